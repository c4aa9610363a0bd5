import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSubjectDisjoint, EvalError, EvalErrorCode, leaveOneSubjectOut, seededRandom, shuffled, subjectKFold, type SubjectFold } from '../../../src/shared/eval';

const code = (c: EvalErrorCode) => (e: unknown) => e instanceof EvalError && e.code === c;

/** 10 subjects S1..S10 with 4–12 windows each, labels mixed per subject; subject order interleaved. */
function dataset(seed = 1) {
  const r = seededRandom(seed);
  const subjects: string[] = [];
  const labels: number[] = [];
  for (let s = 1; s <= 10; s++) {
    const n = 4 + Math.floor(r() * 9);
    for (let i = 0; i < n; i++) {
      subjects.push(`S${s}`);
      labels.push(s <= 3 ? 1 : s <= 5 ? 0 : i % 2); // S1–S3 all positive, S4–S5 all negative
    }
  }
  const perm = shuffled(subjects.map((_, i) => i), r);
  return { subjects: perm.map((i) => subjects[i]), labels: perm.map((i) => labels[i]) };
}

function checkPartition(folds: SubjectFold[], subjects: string[]): void {
  const testCount = new Map<string, number>();
  for (const f of folds) {
    const all = [...f.train, ...f.validation, ...f.test].sort((a, b) => a - b);
    assert.deepEqual(all, subjects.map((_, i) => i), `fold ${f.index} covers every window once`);
    for (const [part, ids] of [['train', f.trainSubjects], ['validation', f.validationSubjects], ['test', f.testSubjects]] as const) {
      const idx = part === 'train' ? f.train : part === 'validation' ? f.validation : f.test;
      assert.deepEqual([...new Set(Array.from(idx, (i) => subjects[i]))].sort(), [...ids].sort(), `fold ${f.index} ${part} subjects match its windows`);
    }
    for (const s of f.testSubjects) testCount.set(s, (testCount.get(s) ?? 0) + 1);
  }
  const distinct = [...new Set(subjects)];
  assert.equal(testCount.size, distinct.length, 'every subject is tested');
  for (const [s, c] of testCount) assert.equal(c, 1, `${s} is tested once`);
}

describe('leaveOneSubjectOut', () => {
  test('one fold per subject, in natural order, numbers as ids', () => {
    const { subjects } = dataset();
    const folds = leaveOneSubjectOut(subjects);
    assert.deepEqual(folds.map((f) => f.testSubjects[0]), ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10']);
    checkPartition(folds, subjects);
    assert.deepEqual(leaveOneSubjectOut([3, 1, 2, 1]).map((f) => f.testSubjects), [['1'], ['2'], ['3']]);
  });
  test('validation subjects: seeded, outside test, covering both classes', () => {
    const { subjects, labels } = dataset();
    const a = leaveOneSubjectOut(subjects, { labels, validationSubjects: 2, seed: 5 });
    const b = leaveOneSubjectOut(subjects, { labels, validationSubjects: 2, seed: 5 });
    assert.deepEqual(a, b);
    checkPartition(a, subjects);
    for (const f of a) {
      assert.equal(f.validationSubjects.length, 2, `fold testing ${f.testSubjects.join()}: two validation subjects`);
      const classes = new Set(Array.from(f.validation, (i) => labels[i]));
      assert.deepEqual([...classes].sort(), [0, 1], `fold ${f.index} validation covers both classes`);
    }
    const c = leaveOneSubjectOut(subjects, { labels, validationSubjects: 2, seed: 6 });
    assert.notDeepEqual(a.map((f) => f.validationSubjects), c.map((f) => f.validationSubjects));
  });
  test('needs two subjects and a training subject', () => {
    assert.throws(() => leaveOneSubjectOut(['a', 'a']), code(EvalErrorCode.BadSplit));
    assert.throws(() => leaveOneSubjectOut(['a', 'b', 'c'], { validationSubjects: 2 }), code(EvalErrorCode.BadSplit));
    assert.throws(() => leaveOneSubjectOut([]), code(EvalErrorCode.Empty));
    assert.throws(() => leaveOneSubjectOut(['a', 'b'], { labels: [0] }), code(EvalErrorCode.LengthMismatch));
    assert.throws(() => leaveOneSubjectOut(['a', ''], {}), code(EvalErrorCode.BadSplit));
  });
});

describe('subjectKFold', () => {
  test('partitions subjects into k folds of ⌊S/k⌋ or ⌈S/k⌉, reproducible per seed', () => {
    const { subjects, labels } = dataset();
    const folds = subjectKFold(subjects, 3, { labels, seed: 11 });
    checkPartition(folds, subjects);
    assert.deepEqual(folds.map((f) => f.testSubjects.length).sort(), [3, 3, 4]);
    assert.deepEqual(subjectKFold(subjects, 3, { labels, seed: 11 }), folds);
    const seeds = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(subjectKFold(subjects, 3, { labels, seed }).map((f) => f.testSubjects))));
    assert.ok(seeds.size > 1, 'different seeds give different assignments');
  });
  test('stratified: the all-positive and all-negative subjects are spread over folds', () => {
    const { subjects, labels } = dataset();
    for (let seed = 0; seed < 5; seed++) {
      const folds = subjectKFold(subjects, 3, { labels, seed });
      for (const f of folds) {
        const classes = new Set(Array.from(f.test, (i) => labels[i]));
        assert.deepEqual([...classes].sort(), [0, 1], `seed ${seed} fold ${f.index} test holds both classes`);
      }
    }
  });
  test('without labels, k = S is leave-one-subject-out', () => {
    const { subjects } = dataset();
    const folds = subjectKFold(subjects, 10, { seed: 3 });
    checkPartition(folds, subjects);
    assert.ok(folds.every((f) => f.testSubjects.length === 1), 'every fold tests one subject');
  });
  test('bad k', () => {
    assert.throws(() => subjectKFold(['a', 'b'], 3), code(EvalErrorCode.BadSplit));
    assert.throws(() => subjectKFold(['a', 'b'], 1), code(EvalErrorCode.BadOption));
    assert.throws(() => subjectKFold(['a', 'b'], 2.5), code(EvalErrorCode.BadOption));
    assert.throws(() => subjectKFold(['a', 'b', 'c'], 2, { validationSubjects: -1 }), code(EvalErrorCode.BadOption));
  });
});

describe('assertSubjectDisjoint', () => {
  const subjects = ['a', 'a', 'b', 'b', 'c'];
  test('passes a clean split', () => {
    assertSubjectDisjoint(subjects, { train: Int32Array.of(0, 1), validation: Int32Array.of(4), test: Int32Array.of(2, 3) });
  });
  test('throws, naming the subject, when one subject is in train and test', () => {
    assert.throws(
      () => assertSubjectDisjoint(subjects, { index: 2, train: Int32Array.of(0, 2), validation: new Int32Array(0), test: Int32Array.of(1, 3) }),
      (e: unknown) => e instanceof EvalError && e.code === EvalErrorCode.SubjectLeakage && /fold 2: .*a \(train and test\)/.test(e.message) && /b \(train and test\)/.test(e.message),
    );
    assert.throws(() => assertSubjectDisjoint(subjects, { train: Int32Array.of(0), validation: Int32Array.of(1), test: new Int32Array(0) }), code(EvalErrorCode.SubjectLeakage));
  });
  test('throws on a window listed twice or out of range', () => {
    assert.throws(() => assertSubjectDisjoint(subjects, { train: Int32Array.of(0, 0), validation: new Int32Array(0), test: Int32Array.of(2) }), code(EvalErrorCode.BadSplit));
    assert.throws(() => assertSubjectDisjoint(subjects, { train: Int32Array.of(0), validation: new Int32Array(0), test: Int32Array.of(5) }), code(EvalErrorCode.BadSplit));
  });
});
