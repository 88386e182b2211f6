/**
 * Order numbers as callers say them (and as Lex transcribes them), and the digits they mean.
 */
import { digitByDigit, longestSpokenNumber, normalizeOrderId, spokenNumbers } from '../../lambda/src/spoken-digits';

test.each([
  ['Where is my order four seven one one?', '4711'],
  ['forty-seven eleven', '4711'],
  ['forty seven eleven', '4711'],
  ['order number 4 7 1 1', '4711'],
  ['my order is 4711', '4711'],
  ['oh one two', '012'],
  ['zero one two', '012'],
  ['nineteen oh five', '1905'],
  ['twenty twenty-four', '2024'],
  ['double seven three', '773'],
  ['triple five', '555'],
  ['forty-seven hundred', '4700'],
  ['four thousand seven hundred and eleven', '4711'],
  ['one hundred five', '105'],
  ['it is 47 11', '4711'],
  ['order #4711, please', '4711'],
  ['Order four seven, um, one one', '4711'],
])('"%s" means %s', (said, digits) => {
  expect(longestSpokenNumber(said)).toBe(digits);
});

test('"oh" on its own is a sigh, not a zero; a question without a number has none', () => {
  expect(spokenNumbers('Oh, where is my package?')).toEqual([]);
  expect(longestSpokenNumber('where is my order')).toBeUndefined();
});

test('with several numbers the longest is the order number', () => {
  expect(spokenNumbers('I ordered two mugs, order four seven one one')).toEqual(['2', '4711']);
  expect(longestSpokenNumber('I ordered two mugs, order four seven one one')).toBe('4711');
});

test.each([
  ['4711', '4711'],
  ['four seven one one', '4711'],
  ['4 7 1 1', '4711'],
  ['47-11', '4711'],
  ['order number 4711', '4711'],
  ['A-1042', 'A1042'],
  ['ab1042', 'AB1042'],
  ['oh one two', '012'],
])('the model\'s "%s" is looked up as %s', (raw, id) => {
  expect(normalizeOrderId(raw)).toBe(id);
});

test('an id is read back one character at a time', () => {
  expect(digitByDigit('4711')).toBe('4 7 1 1');
  expect(digitByDigit('A12')).toBe('A 1 2');
});
