import { expect, it } from 'vitest';
import { printFigures } from './support/figures';
import { PersonalData, uniqueSubject } from './support/personalData';

// Item 7: the scan every fault test runs over the logs it produced must find what is there,
// or its "none found" would prove nothing.

it('the log scan finds a planted name, document number or birth date, in clear or JSON-escaped', () => {
  const subject = uniqueSubject();
  const scan = new PersonalData();
  scan.addSubject(subject);
  const clean = ['{"level":30,"msg":"request completed","url":"/v1/cases"}'];
  expect(scan.assertAbsentFrom(clean).values).toBe(4 + 4); // the fixtures' four and this subject's four
  const planted = [
    `{"msg":"x","name":"${subject.names[0]!.value}"}`,
    `{"msg":"x","name":${JSON.stringify(subject.names[1]!.value)}}`,
    `prefix ${subject.documents[0]!.number} suffix`,
    `{"born":"${subject.dateOfBirth}"}`,
    '{"msg":"ZHANG Wei"}',
  ];
  for (const line of planted) expect(() => scan.assertAbsentFrom([...clean, line]), line).toThrow(/personal data in the logs/);
  printFigures('personal-data/scanner', { planted: planted.length, found: planted.length });
});
