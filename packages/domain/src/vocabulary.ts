// The words both ministries use, as closed lists. The REST layer builds its schemas from
// these arrays so that the API and the domain cannot drift apart.

export const parties = ['KH', 'CN'] as const;
export type Party = (typeof parties)[number];

export const roles = ['officer', 'supervisor', 'auditor', 'analyst'] as const;
export type Role = (typeof roles)[number];

export const caseKinds = ['deportation', 'extradition', 'victim_repatriation'] as const;
export type CaseKind = (typeof caseKinds)[number];

export const caseStatuses = ['filed', 'identity_verified', 'handed_over', 'completed', 'refused', 'withdrawn'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const offenceCategories = [
  'online_gambling',
  'telecom_fraud',
  'drug_trafficking',
  'human_trafficking',
  'violent_crime',
  'prostitution',
  'money_laundering',
  'other',
] as const;
export type OffenceCategory = (typeof offenceCategories)[number];

// Art. 8 of the 2016 agreement, the 1992 treaty's mandatory grounds, and the practical ones.
export const refusalGrounds = [
  'sovereignty',
  'security',
  'social_order',
  'basic_interests',
  'legal_principles',
  'political_offence',
  'persecution',
  'military_offence',
  'final_judgment',
  'own_national',
  'insufficient_documents',
  'no_warrant',
  'other',
] as const;
export type RefusalGround = (typeof refusalGrounds)[number];

export const nameScripts = ['Latn', 'Hans', 'Hant', 'Khmr'] as const;
export type NameScript = (typeof nameScripts)[number];

export const documentTypes = ['passport', 'national_id', 'other'] as const;
export type DocumentType = (typeof documentTypes)[number];

// As printed on travel documents (ICAO 9303): female, male, unspecified.
export const sexes = ['F', 'M', 'X'] as const;
export type Sex = (typeof sexes)[number];

/** In every case one party requests and the other is requested. */
export const otherParty = (party: Party): Party => (party === 'KH' ? 'CN' : 'KH');

export interface Actor {
  id: string;
  party: Party;
  roles: Role[];
}

export interface Subject {
  names: { script: NameScript; value: string }[];
  /** ISO 3166-1 alpha-2, e.g. 'CN', 'KH', 'VN'. */
  nationality: string;
  /** 'YYYY-MM-DD' */
  dateOfBirth?: string;
  documents: { type: DocumentType; number: string; issuingCountry: string }[];
  sex?: Sex;
}

export interface Offence {
  category: OffenceCategory;
  description?: string;
}

export interface Warrant {
  reference: string;
  issuedBy: string;
  /** 'YYYY-MM-DD' */
  issuedOn: string;
}

export interface Location {
  province: string;
  district?: string;
  details?: string;
}

/** Who asks and who is asked; fixed when the case is filed. */
export interface CaseParties {
  requestingParty: Party;
  requestedParty: Party;
}
