-- One chunk of benchmark data: :accounts accounts, each with ~8 vault items and ~20 audit events.
-- psql -v accounts=N -f chunk.sql. Everything comes from generate_series and random(): fast, and
-- poorly compressible in the way real data is (uuids, hashes, encrypted blobs, varied text).
BEGIN;

CREATE TEMP TABLE new_accounts ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, now() - random() * interval '3 years' AS created_at
FROM generate_series(1, :accounts);

INSERT INTO accounts
SELECT a.id,
       bench_letters(6 + floor(random() * 10)::int) || '.' || floor(random() * 10000)::int || '@' || bench_word() || '.example',
       initcap(bench_letters(5 + floor(random() * 8)::int)) || ' ' || initcap(bench_letters(6 + floor(random() * 10)::int)),
       '$argon2id$v=19$m=65536,t=3,p=4$' || encode(gen_random_bytes(16), 'base64') || '$' || encode(gen_random_bytes(32), 'base64'),
       (ARRAY['active','active','active','active','suspended','pending'])[1 + floor(random() * 6)::int],
       a.created_at,
       CASE WHEN random() < 0.9 THEN a.created_at + random() * (now() - a.created_at) END,
       jsonb_build_object(
         'theme', (ARRAY['dark','light','system'])[1 + floor(random() * 3)::int],
         'locale', (ARRAY['en-GB','fr-FR','de-DE','en-US','es-ES','it-IT'])[1 + floor(random() * 6)::int],
         'mfa', jsonb_build_object('totp', random() < 0.6, 'webauthn', random() < 0.2, 'recovery_codes_left', floor(random() * 10)::int),
         'devices', jsonb_build_array(gen_random_uuid(), gen_random_uuid()),
         'auto_lock_minutes', (ARRAY[1,5,15,30,60])[1 + floor(random() * 5)::int],
         'public_key', encode(gen_random_bytes(48), 'base64'))
FROM new_accounts a;

INSERT INTO vault_items
SELECT gen_random_uuid(),
       a.id,
       initcap(bench_word()) || ' ' || bench_word() || ' ' || floor(random() * 100)::int,
       CASE WHEN random() < 0.8 THEN 'https://' || bench_word() || '.' || bench_letters(5 + floor(random() * 8)::int) || '.example/' || bench_word() END,
       CASE WHEN random() < 0.9 THEN bench_letters(5 + floor(random() * 10)::int) || '@' || bench_word() || '.example' END,
       gen_random_bytes(64 + floor(random() * 400)::int),
       CASE WHEN random() < 0.4 THEN bench_letters(40 + floor(random() * 600)::int) END,
       ARRAY[bench_word(), bench_word()],
       1 + floor(random() * 20)::int,
       t.created_at,
       t.created_at + random() * (now() - t.created_at),
       jsonb_build_object(
         'kind', (ARRAY['login','card','note','identity','ssh-key','api-token'])[1 + floor(random() * 6)::int],
         'favourite', random() < 0.1,
         'strength', round((random() * 100)::numeric, 2),
         'breached', random() < 0.03,
         'iv', encode(gen_random_bytes(12), 'base64'),
         'folder', bench_word())
FROM new_accounts a
CROSS JOIN LATERAL (
  SELECT a.created_at + random() * (now() - a.created_at) AS created_at
  FROM generate_series(1, 4 + floor(random() * 9)::int + (a.id IS NULL)::int)
) t;

INSERT INTO audit_events (account_id, action, ip, user_agent, occurred_at, details)
SELECT a.id,
       (ARRAY['login','login','login','logout','item.read','item.read','item.update','item.create','item.delete','mfa.challenge','export'])[1 + floor(random() * 11)::int],
       ('10.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int)::inet,
       (ARRAY['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0','Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0',
              'LeoPass-Android/4.2.1','LeoPass-iOS/4.2.0','LeoPass-CLI/1.8.0','Mozilla/5.0 (Macintosh) Safari/605.1.15'])[1 + floor(random() * 6)::int],
       now() - random() * interval '400 days',
       jsonb_build_object(
         'request_id', gen_random_uuid(),
         'session', encode(gen_random_bytes(18), 'base64'),
         'item_id', CASE WHEN random() < 0.6 THEN gen_random_uuid() END,
         'latency_ms', floor(random() * 900)::int,
         'geo', jsonb_build_object('country', (ARRAY['FR','DE','GB','US','ES','IT','NL','BE'])[1 + floor(random() * 8)::int],
                                   'asn', floor(random() * 60000)::int))
FROM new_accounts a
CROSS JOIN LATERAL generate_series(1, 10 + floor(random() * 21)::int + (a.id IS NULL)::int);

COMMIT;
