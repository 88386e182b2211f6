/**
 * Order numbers as callers say them (and as Lex transcribes them), and the digits they mean, in each language the
 * bot speaks; and which questions are order questions.
 */
import { localeDefinition } from '../../lib/definition/bot';
import { orderNumberAskedAbout } from '../../lambda/src/order-question';
import { spokenOrder } from '../../lambda/src/tools/look-up-order';
import { digitByDigit, longestSpokenNumber, normalizeOrderId, spokenNumbers } from '../../lambda/src/spoken-digits';

const spanish = localeDefinition('es_US');
const german = localeDefinition('de_DE');

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

test.each([
  ['¿Dónde está mi pedido cuatro siete uno uno?', '4711'],
  ['cuarenta y siete once', '4711'],
  ['cuarenta y siete, once', '4711'],
  ['cuarenta siete once', '4711'],
  ['el número es 4 7 1 1', '4711'],
  ['cero uno dos', '012'],
  ['diecinueve cero cinco', '1905'],
  ['dieciseis veintidós', '1622'],
  ['veinte veinticuatro', '2024'],
  ['cuatro siete, eh, uno uno', '4711'],
  ['doble siete tres', '773'],
  ['cuatro mil setenta', '4070'],
])('es_US: "%s" means %s', (said, digits) => {
  expect(longestSpokenNumber(said, spanish)).toBe(digits);
});

test.each([
  ['Wo ist meine Bestellung vier sieben eins eins?', '4711'],
  ['siebenundvierzig elf', '4711'],
  ['Siebenundvierzig, elf', '4711'],
  ['null eins zwei', '012'],
  ['neunzehn null fünf', '1905'],
  ['zwo zwo drei', '223'],
  ['einundzwanzig zwölf', '2112'],
  ['dreißig vierzehn', '3014'],
  ['vier sieben, äh, eins eins', '4711'],
  ['meine Nummer ist 47 11', '4711'],
])('de_DE: "%s" means %s', (said, digits) => {
  expect(longestSpokenNumber(said, german)).toBe(digits);
});

test("each language's words are its own: English number words are not Spanish or German ones", () => {
  expect(spokenNumbers('four seven one one', spanish)).toEqual([]);
  expect(spokenNumbers('cuatro siete uno uno')).toEqual([]);
  // "ein" is an article on its own; a digit only inside a word like "einundzwanzig".
  expect(spokenNumbers('ein Paket', german)).toEqual([]);
  // "y" joins tens and a unit only: "dos y tres" are two numbers.
  expect(spokenNumbers('dos y tres', spanish)).toEqual(['2', '3']);
});

test.each([
  ['en_US', 'Where is my order four seven one one?', '4711'],
  ['en_US', 'Has my package 4711 shipped?', '4711'],
  ['en_US', 'I ordered two mugs', undefined],
  ['en_US', 'What time do you open on the fourth?', undefined],
  ['es_US', '¿Dónde está mi pedido cuatro siete uno uno?', '4711'],
  ['es_US', '¿Cuándo llega mi paquete cuarenta y siete once?', '4711'],
  ['es_US', 'el envio 4711', '4711'],
  ['es_US', '¿Abren el día dos?', undefined],
  ['de_DE', 'Wo ist meine Bestellung siebenundvierzig elf?', '4711'],
  ['de_DE', 'Mein Paket vier sieben eins eins ist nicht da', '4711'],
  ['de_DE', 'Wann kommt die Lieferung 4711?', '4711'],
  ['de_DE', 'Haben Sie am zweiten offen?', undefined],
])('%s: "%s" is an order question about %s', (localeId, question, orderId) => {
  expect(orderNumberAskedAbout(question, localeDefinition(localeId))).toBe(orderId);
});

test("an order question in another language than the turn's is not one", () => {
  expect(orderNumberAskedAbout('¿Dónde está mi pedido 4711?', localeDefinition('en_US'))).toBeUndefined();
  expect(orderNumberAskedAbout('Where is my order 4711?', german)).toBeUndefined();
});

test.each([
  ['es_US', 'cuatro siete uno uno', '4711'],
  ['es_US', 'cuarenta y siete once', '4711'],
  ['de_DE', 'vier sieben eins eins', '4711'],
  ['de_DE', 'siebenundvierzig elf', '4711'],
])('%s: the model\'s "%s" is looked up as %s', (localeId, raw, id) => {
  expect(normalizeOrderId(raw, localeDefinition(localeId))).toBe(id);
});

test.each([
  ['en_US', 'Order 4 7 1 1 is shipped. The carrier is UPS. It should arrive on Friday, December 4.'],
  [
    'es_US',
    'Estado del pedido 4 7 1 1: enviado. La empresa de transporte es UPS. Debería llegar el viernes, 4 de diciembre.',
  ],
  ['de_DE', 'Bestellung 4 7 1 1: versandt. Der Versanddienst ist UPS. Sie sollte am Freitag, 4. Dezember ankommen.'],
])("%s: an order's status is said in the caller's language", (localeId, said) => {
  const order = { orderId: '4711', status: 'shipped', carrier: 'UPS', expectedDelivery: '2026-12-04' };
  expect(spokenOrder(order, localeDefinition(localeId), new Date('2026-12-01T12:00:00Z'))).toBe(said);
  // A status the definition has no word for is said as the business wrote it.
  expect(spokenOrder({ ...order, status: 'with the neighbour' }, localeDefinition(localeId))).toContain(
    'with the neighbour',
  );
});
