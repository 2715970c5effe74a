-- Checklist HUM-03: a referral shares a person's record with another agency,
-- so Haven records whether the person agreed.  consent: 1 agreed, 0 did not
-- (then override_reason, a consent_override_reason code, says why it was sent
-- anyway), NULL not recorded (referrals imported from the interchange files,
-- which have no such column, and those made before this migration).
ALTER TABLE referrals ADD COLUMN consent INTEGER CHECK (consent IN (0, 1));
ALTER TABLE referrals ADD COLUMN override_reason TEXT;

INSERT INTO codes (list, code, label_en, label_az) VALUES
 ('consent_override_reason', 'vital_interests', 'danger to life or health',
  'həyat və ya sağlamlıq üçün təhlükə'),
 ('consent_override_reason', 'child_protection', 'protection of a child', 'uşağın müdafiəsi'),
 ('consent_override_reason', 'legal_obligation', 'required by law or a court order',
  'qanun və ya məhkəmə qərarı ilə tələb olunur'),
 ('consent_override_reason', 'unable_to_consent', 'the person cannot give consent',
  'şəxs razılıq verə bilmir');
