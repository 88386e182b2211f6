/**
 * Reading a knowledge folder: FAQ questions with their other wordings and answers, documents split into
 * passages under their headings, lists made sentences, and another locale's subfolder left to that locale.
 */
import { rmSync } from 'node:fs';
import { parseFaq, parseKnowledge, readKnowledgeFolder } from '../../lambda/src/knowledge/documents';
import { BAKERY, writeKnowledgeFolder } from './bakery';

test('an FAQ entry is a ### question, the list right under it its other wordings, then the answer', () => {
  const faq = parseFaq(BAKERY['faq.md']);
  expect(faq.map((entry) => entry.id)).toEqual(['who-are-you', 'what-time-do-you-open', 'do-you-deliver']);
  expect(faq[1]).toEqual({
    id: 'what-time-do-you-open',
    questions: ['What time do you open?', 'When are you open?', 'What are your opening hours?'],
    answer: 'We open at 7 every morning except Wednesday, and close at 3 in the afternoon.',
  });
  expect(faq[2].questions).toEqual(['Do you deliver?']);
});

test('a question with no answer is left out, and two alike get distinct ids', () => {
  expect(parseFaq('### Empty?\n\n### Same?\nOne.\n### Same?\nTwo.').map((entry) => entry.id)).toEqual([
    'same',
    'same-2',
  ]);
});

test('documents become passages under their heading path; a list becomes sentences; .txt is split on blank lines', () => {
  const { passages } = parseKnowledge(Object.entries(BAKERY).map(([file, text]) => ({ file, text })));
  const byHeading = Object.fromEntries(
    passages.filter((p) => p.source !== 'faq.md').map((p) => [`${p.heading} | ${p.id}`, p.text]),
  );
  expect(byHeading).toEqual({
    'Allergens | allergens.txt#allergens-1':
      'Every loaf is baked in a kitchen that handles nuts, sesame and gluten. Our gluten-free bread is baked on Fridays only, order code GF-22.',
    'Celebration cakes > Ordering | cakes.md#celebration-cakes-ordering-1':
      'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
    'Celebration cakes > Decorations | cakes.md#celebration-cakes-decorations-1':
      'Sugar flowers. A written message. Edible photo prints.',
  });
  // The FAQ entries are passages too, first, so a paraphrase that misses the canned answer still finds them.
  expect(passages[0]).toEqual({
    id: 'faq#who-are-you',
    source: 'faq.md',
    heading: 'Who are you?',
    text: 'I am the Bluebell Bakery phone assistant.',
    faqId: 'who-are-you',
  });
});

test('a long paragraph is split at sentences, short ones under one heading are kept together', () => {
  const sentence = 'Our ovens are fired before dawn every day of the week. ';
  const { passages } = parseKnowledge([
    { file: 'long.md', text: `# Baking\n\n${sentence.repeat(30)}\n\nShort.\n\nAlso short.` },
  ]);
  expect(passages.length).toBeGreaterThan(1);
  for (const passage of passages) expect(passage.text.length).toBeLessThanOrEqual(900);
  expect(passages.at(-1)?.text).toMatch(/Short\. Also short\.$/);
});

test('the folder reader takes .md and .txt, reads subfolders, and leaves a locale subfolder (es/) to its locale', async () => {
  const dir = writeKnowledgeFolder({
    ...BAKERY,
    'notes.json': '{"not": "a document"}',
    'policies/refunds.md': '# Refunds\n\nRefunds take a week.',
    'es/faq.md': '### ¿Quién eres?\n\nSoy el asistente.',
  });
  try {
    const { faq, passages } = await readKnowledgeFolder(dir);
    expect(faq.map((entry) => entry.id)).toEqual(['who-are-you', 'what-time-do-you-open', 'do-you-deliver']);
    expect(new Set(passages.map((p) => p.source))).toEqual(
      new Set(['faq.md', 'allergens.txt', 'cakes.md', 'policies/refunds.md']),
    );
    const spanish = await readKnowledgeFolder(`${dir}/es`);
    expect(spanish.faq[0].answer).toBe('Soy el asistente.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder that does not exist is a clear error', async () => {
  await expect(readKnowledgeFolder('/nonexistent/knowledge')).rejects.toThrow(
    /cannot read the knowledge folder \/nonexistent\/knowledge/,
  );
});
