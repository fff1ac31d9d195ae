-- An optimistic append's first round trip (ADR 050): what lock_subject_for_append reads, without
-- taking the lock. One SQL statement, so one snapshot: the head, the idempotency key, the state and
-- the endpoints agree with each other. The append's write then locks the subject and writes only if
-- the head is still the one read here; otherwise the append decides again under the lock.
-- STABLE, SECURITY INVOKER (the default): it only reads, with the caller's privileges.
CREATE FUNCTION "read_subject_for_append"(p_subject_id uuid, p_idempotency_key text, p_event_types text[])
RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'subject', json_build_object('id', s.id, 'auth0UserId', s.auth0_user_id, 'lastSeq', s.last_seq,
      'lastHash', s.last_hash, 'erasedAt', s.erased_at, 'emailVerifiedAt', s.email_verified_at),
    'earlier', (SELECT count(*)::int FROM "ConsentEvent"
      WHERE subject_id = p_subject_id AND idempotency_key = p_idempotency_key),
    'state', (SELECT coalesce(json_agg(json_build_object(
        'subjectId', subject_id, 'purposeId', purpose_id, 'status', status, 'policyVersionId', policy_version_id,
        'purposeVersionId', purpose_version_id, 'eventId', event_id, 'seq', seq, 'updatedAt', updated_at)), '[]')
      FROM "ConsentState" WHERE subject_id = p_subject_id),
    'endpoints', (SELECT coalesce(json_agg(json_build_object('id', id, 'events', events) ORDER BY created_at), '[]')
      FROM "WebhookEndpoint" WHERE disabled_at IS NULL AND events && p_event_types))
  FROM "Subject" s WHERE s.id = p_subject_id
$$;

-- The locked read (ADR 049) is now the same read after the lock: one definition of what an append
-- reads. `RETURN read_subject_for_append(…)` is a statement of its own in this VOLATILE function,
-- so it takes a new snapshot after the lock, as the separate reads did.
CREATE OR REPLACE FUNCTION "lock_subject_for_append"(p_subject_id uuid, p_idempotency_key text, p_event_types text[])
RETURNS json LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM 1 FROM "Subject" WHERE id = p_subject_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN "read_subject_for_append"(p_subject_id, p_idempotency_key, p_event_types);
END
$$;
