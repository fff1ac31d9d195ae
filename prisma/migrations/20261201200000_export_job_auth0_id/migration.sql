-- An Auth0 users-export job is recorded (and its request access-logged) before Auth0 is asked to
-- start it, so the portal sets the Auth0 job id on its row afterwards.
GRANT UPDATE (auth0_job_id) ON "ExportJob" TO consent_app;
