import type { Party, Subject } from '@cco/domain';
import { type Random } from '@cco/testkit';

// Invented people: names drawn from common family and given names, so the history looks like
// the office's without being anyone. They exist only in the requests the simulator sends.

type Names = Record<'family' | 'given', readonly (readonly [latin: string, native: string])[]>;

const chinese: Names = {
  family: [
    ['WANG', '王'],
    ['LI', '李'],
    ['ZHANG', '张'],
    ['LIU', '刘'],
    ['CHEN', '陈'],
    ['YANG', '杨'],
    ['HUANG', '黄'],
    ['ZHAO', '赵'],
    ['WU', '吴'],
    ['ZHOU', '周'],
    ['XU', '徐'],
    ['SUN', '孙'],
    ['LIN', '林'],
    ['HE', '何'],
    ['GUO', '郭'],
  ],
  given: [
    ['Wei', '伟'],
    ['Fang', '芳'],
    ['Na', '娜'],
    ['Min', '敏'],
    ['Jing', '静'],
    ['Lei', '磊'],
    ['Qiang', '强'],
    ['Jun', '军'],
    ['Yang', '洋'],
    ['Yong', '勇'],
    ['Jie', '杰'],
    ['Tao', '涛'],
    ['Ming', '明'],
    ['Chao', '超'],
    ['Hui', '辉'],
  ],
};

const khmer: Names = {
  family: [
    ['SOK', 'សុខ'],
    ['CHAN', 'ចាន់'],
    ['KIM', 'គីម'],
    ['PICH', 'ពេជ្រ'],
    ['SENG', 'សេង'],
    ['HENG', 'ហេង'],
    ['LIM', 'លឹម'],
    ['MEAS', 'មាស'],
    ['NOV', 'នូវ'],
    ['OUK', 'អ៊ុក'],
  ],
  given: [
    ['Dara', 'ដារា'],
    ['Sophea', 'សោភា'],
    ['Srey Mom', 'ស្រីមុំ'],
    ['Channary', 'ចន្ទនារី'],
    ['Bopha', 'បុប្ផា'],
    ['Kanha', 'កញ្ញា'],
    ['Vanna', 'វណ្ណា'],
    ['Sreyneang', 'ស្រីនាង'],
    ['Rotha', 'រ័ត្ន'],
    ['Malis', 'ម្លិះ'],
  ],
};

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A national of `nationality` (CN or KH), born `age` years before `on`. */
export function person(random: Random, nationality: Party, on: Date, age: number, sex?: 'F' | 'M'): Subject {
  const names = nationality === 'CN' ? chinese : khmer;
  const [family, familyNative] = random.pick(names.family);
  const [given, givenNative] = random.pick(names.given);
  const born = new Date(Date.UTC(on.getUTCFullYear() - age, random.int(0, 11), random.int(1, 28)));
  const passport = nationality === 'CN' ? `E${random.int(10_000_000, 99_999_999)}` : `N${random.int(1_000_000, 9_999_999)}`;
  return {
    names: [
      { script: 'Latn', value: `${family} ${given}` },
      nationality === 'CN'
        ? { script: 'Hans', value: `${familyNative}${givenNative}` }
        : { script: 'Khmr', value: `${familyNative} ${givenNative}` },
    ],
    nationality,
    dateOfBirth: isoDay(born),
    documents: [{ type: 'passport', number: passport, issuingCountry: nationality }],
    ...(sex ? { sex } : {}),
  };
}
