// The request bodies now live in @cco/testkit; this path stays for the files that still use it.
export {
  dateOfBirth,
  deportationFiling,
  handover,
  passportNumber,
  personalData,
  subjectName,
  subjectNameHans,
  verification,
  victimFiling,
  victimName,
} from '@cco/testkit';
