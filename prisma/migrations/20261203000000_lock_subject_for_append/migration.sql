-- An append's first round trip (ADR 049): lock the subject's chain, then read under that lock
-- whether the idempotency key was used, the subject's consent state and the webhook endpoints
-- that may want to hear. One call instead of two statements. VOLATILE on purpose: each statement
-- in it takes a new snapshot (READ COMMITTED), so the reads after the lock see a concurrent
-- append that committed while this one waited for it. SECURITY INVOKER (the default): it reads
-- and locks with the caller's privileges.
CREATE FUNCTION "lock_subject_for_append"(p_subject_id uuid, p_idempotency_key text, p_event_types text[])
RETURNS json LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  locked json;
BEGIN
  SELECT json_build_object('id', s.id, 'auth0UserId', s.auth0_user_id, 'lastSeq', s.last_seq, 'lastHash', s.last_hash,
      'erasedAt', s.erased_at, 'emailVerifiedAt', s.email_verified_at)
    INTO locked
    FROM "Subject" s WHERE s.id = p_subject_id FOR NO KEY UPDATE;
  IF locked IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN json_build_object(
    'subject', locked,
    'earlier', (SELECT count(*)::int FROM "ConsentEvent"
      WHERE subject_id = p_subject_id AND idempotency_key = p_idempotency_key),
    'state', (SELECT coalesce(json_agg(json_build_object(
        'subjectId', subject_id, 'purposeId', purpose_id, 'status', status, 'policyVersionId', policy_version_id,
        'purposeVersionId', purpose_version_id, 'eventId', event_id, 'seq', seq, 'updatedAt', updated_at)), '[]')
      FROM "ConsentState" WHERE subject_id = p_subject_id),
    'endpoints', (SELECT coalesce(json_agg(json_build_object('id', id, 'events', events) ORDER BY created_at), '[]')
      FROM "WebhookEndpoint" WHERE disabled_at IS NULL AND events && p_event_types));
END
$$;
