-- One actor, stored the same way in every audit table (ConsentEvent already has actor_type and
-- actor_id): AccessLog and AdminChange gain actor_type; API clients become a kind of actor.
ALTER TYPE "ActorType" ADD VALUE 'api_client';

-- Every row written before this migration was written by a staff member.
ALTER TABLE "AccessLog" ADD COLUMN "actor_type" "ActorType" NOT NULL DEFAULT 'staff';
ALTER TABLE "AccessLog" ALTER COLUMN "actor_type" DROP DEFAULT;
ALTER TABLE "AdminChange" ADD COLUMN "actor_type" "ActorType" NOT NULL DEFAULT 'staff';
ALTER TABLE "AdminChange" ALTER COLUMN "actor_type" DROP DEFAULT;
