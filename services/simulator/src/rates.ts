import type { OffenceCategory } from '@cco/domain';

// How many of each kind of case the office sees per month, and what they are about. Shaped on
// the reported figures: deportations of Chinese nationals from Cambodia rising from a few
// hundred a year in 2014 to about 1,000 in the 12 months to October 2019 (the Embassy), at
// least 2,700 since 2014 by August 2019 (the Ministry of Interior), with online gambling
// growing alongside the Preah Sihanouk casino boom and telecom fraud the steady staple.

/** Completed deportations of Chinese nationals wanted per month (the figures above). */
export function deportationsCompletedPerMonth(year: number, month: number): number {
  if (year <= 2014) return 20;
  if (year === 2015) return 25;
  if (year === 2016) return 32;
  if (year === 2017) return 45;
  if (year === 2018 && month < 9) return 60;
  return 83;
}

/** Share of deportation requests that end refused or withdrawn rather than completed. */
export const deportationFallout = { refused: 0.06, withdrawn: 0.04 };

/** Filings per month of the other kinds. */
export function otherFilingsPerMonth(year: number) {
  const at = Math.min(Math.max(year, 2014), 2019) - 2014; // 0..5
  return {
    /** Cambodians sought by Cambodia in China (deportation the other way). */
    deportationByKH: 1.5,
    extraditionByCN: 0.35,
    extraditionByKH: 0.15,
    /** Cambodian women trafficked to China (e.g. as brides), repatriated at Cambodia's request. */
    victimsByKH: [4, 5, 7, 9, 10, 12][at]!,
    /** Chinese victims of forced labour in scam compounds in Cambodia. */
    victimsByCN: [1, 1, 1, 2, 4, 6][at]!,
  };
}

/** Principal offence of a deportation of a Chinese national, by year. */
export function offenceWeights(year: number): [OffenceCategory, number][] {
  const boom = Math.min(Math.max(year - 2014, 0), 5);
  return [
    ['telecom_fraud', [55, 54, 50, 45, 40, 38][boom]!],
    ['online_gambling', [5, 8, 12, 22, 30, 33][boom]!],
    ['drug_trafficking', 9],
    ['money_laundering', 5],
    ['violent_crime', 4],
    ['prostitution', 3],
    ['human_trafficking', 3],
    ['other', 5],
  ];
}

export const offenceDescriptions: Record<OffenceCategory, string[]> = {
  telecom_fraud: [
    'investment scam call centre',
    'impersonating public security officers by telephone',
    'online romance fraud ring',
    'fake loan platform',
  ],
  online_gambling: [
    'operating an illegal online casino',
    'recruiting players for cross-border online gambling',
    'payment channel for online gambling',
  ],
  drug_trafficking: ['methamphetamine trafficking', 'heroin trafficking across the border', 'ketamine production'],
  human_trafficking: ['recruiting workers into forced labour', 'trafficking of women for forced marriage'],
  violent_crime: ['intentional injury', 'kidnapping for ransom', 'homicide'],
  prostitution: ['organising prostitution'],
  money_laundering: ['laundering fraud proceeds through shell companies', 'underground banking'],
  other: ['illegal border crossing', 'document forgery'],
};

export const refusalReasons = {
  insufficient_documents: 'the identity documents provided do not establish the person’s identity',
  legal_principles: 'proceedings in the requested party’s courts are still pending against the person',
  social_order: 'the person is a witness in a pending domestic trial',
  sovereignty: 'the request concerns acts committed on the requested party’s territory and prosecuted there',
  security: 'the victim’s safety on return cannot yet be assured',
  political_offence: 'the requested party considers the offence political',
  final_judgment: 'the person has already been finally judged for the same offence',
  persecution: 'substantial grounds to believe the request aims at persecution',
  other: 'the person could not be located at the address given',
} as const;

export const withdrawalReasons = [
  'the person was located in a third country',
  'the warrant was revoked by the issuing authority',
  'duplicate of an earlier request',
  'the person returned voluntarily',
];
