// Request bodies shared by the e2e suites. The personal data here is what the log scans look for.

export const subjectName = 'ZHANG Wei';
export const subjectNameHans = '张伟';
export const passportNumber = 'E12345678';
export const dateOfBirth = '1990-04-12';

export const personalData = [subjectName, subjectNameHans, passportNumber, dateOfBirth];

export const deportationFiling = {
  kind: 'deportation',
  subject: {
    names: [
      { script: 'Latn', value: subjectName },
      { script: 'Hans', value: subjectNameHans },
    ],
    nationality: 'CN',
    dateOfBirth,
    documents: [{ type: 'passport', number: passportNumber, issuingCountry: 'CN' }],
  },
  offences: [{ category: 'telecom_fraud', description: 'investment scam call centre' }],
  warrant: { reference: 'GZ-PSB-2019-0042', issuedBy: 'Guangzhou PSB', issuedOn: '1992-02-09' },
  lastKnownLocation: { province: 'Preah Sihanouk' },
} as const;

export const verification = { nationalityConfirmed: true, confirmedNationality: 'CN', documentsSufficient: true };
export const handover = { place: 'Phnom Penh International Airport', receivingOfficers: ['MPS escort team 3'] };

/** A Chinese national rescued from a scam compound: a victim, repatriated (no offences, no warrant). */
export const victimName = 'LI Na';
export const victimFiling = {
  kind: 'victim_repatriation',
  subject: {
    names: [{ script: 'Latn', value: victimName }],
    nationality: 'CN',
    dateOfBirth: '2001-02-03',
    documents: [{ type: 'national_id', number: 'V-445566', issuingCountry: 'CN' }],
  },
  lastKnownLocation: { province: 'Preah Sihanouk' },
} as const;
