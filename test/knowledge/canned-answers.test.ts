/**
 * Canned answers: an FAQ question the caller clearly asked is answered at once; a near miss is no answer (the
 * turn then searches the documents), never a wrong one.
 */
import { CannedAnswers } from '../../lambda/src/knowledge/canned-answers';
import { parseFaq } from '../../lambda/src/knowledge/documents';

const faq = parseFaq(`
### Who are you?
- What is your name?
- Am I talking to a robot?

I am the clinic's assistant.

### What can you do?
- What can you help me with?

I answer questions about the clinic.

### What are your opening hours?
- When are you open?
- Are you open now?

Eight to six on weekdays.

### Is this call recorded?

Only this call's words, for an hour.

### How do I hang up?

Say goodbye.

### Can I speak to someone?

Say talk to a person.
`);
const answers = new CannedAnswers(faq);

test.each([
  ['What can you do?', 'what-can-you-do'],
  ['Um, who are you?', 'who-are-you'],
  ["what's your name", 'who-are-you'],
  ['Am I talking to a robot?', 'who-are-you'],
  ['so what are your opening hours today', 'what-are-your-opening-hours'],
  ['Are you open right now?', 'what-are-your-opening-hours'],
  ['Is this call recorded?', 'is-this-call-recorded'],
  ['how do I hang up', 'how-do-i-hang-up'],
  ["Can't I speak to someone?", 'can-i-speak-to-someone'],
])('"%s" is answered from entry %s', (question, id) => {
  expect(answers.answer(question)?.id).toBe(id);
});

test.each([
  'What is my name?',
  'What is your return policy?',
  'what is your phone number',
  'What do you sell?',
  'What is the weather in Paris?',
  'what can you do about my broken printer',
  'who are you calling for',
  'tell me a joke',
  '',
  'um',
])('"%s" is no canned answer', (question) => {
  expect(answers.answer(question)).toBeUndefined();
});

test('the answer is the FAQ text, with the entry it came from', () => {
  expect(answers.answer('When are you open?')).toEqual({
    id: 'what-are-your-opening-hours',
    answer: 'Eight to six on weekdays.',
  });
});
