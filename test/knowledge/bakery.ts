/**
 * Small knowledge folders the tests write for themselves (a made-up bakery), so no test depends on the sample
 * business in knowledge/, which is free to change.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildKnowledge, type Knowledge } from '../../lambda/src/knowledge/knowledge';

export const BAKERY: Readonly<Record<string, string>> = {
  'faq.md': [
    '# Questions callers ask',
    '',
    '### Who are you?',
    '- What is your name?',
    '',
    'I am the Bluebell Bakery phone assistant.',
    '',
    '### What time do you open?',
    '- When are you open?',
    '- What are your opening hours?',
    '',
    'We open at 7 every morning except Wednesday, and close at 3 in the afternoon.',
    '',
    '### Do you deliver?',
    '',
    'We deliver bread within two miles for 3 pounds.',
  ].join('\n'),
  'cakes.md': [
    '# Celebration cakes',
    '',
    '## Ordering',
    '',
    'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
    '',
    '## Decorations',
    '',
    '- Sugar flowers',
    '- A written message',
    '- Edible photo prints',
  ].join('\n'),
  'allergens.txt': [
    'Every loaf is baked in a kitchen that handles nuts, sesame and gluten.',
    '',
    'Our gluten-free bread is baked on Fridays only, order code GF-22.',
  ].join('\n'),
};

/** The bakery's knowledge in Spanish, in its locale's folder: an FAQ and a document. */
export const BAKERY_SPANISH: Readonly<Record<string, string>> = {
  'es_US/faq.md': [
    '# Preguntas de los clientes',
    '',
    '### ¿A qué hora abren?',
    '- ¿Cuál es su horario?',
    '',
    'Abrimos a las 7 todas las mañanas, menos los miércoles, y cerramos a las 3 de la tarde.',
  ].join('\n'),
  'es_US/pasteles.md': [
    '# Pasteles de celebración',
    '',
    '## Adornos',
    '',
    'Decoramos el pastel con flores de azúcar y un mensaje escrito, sin costo adicional.',
  ].join('\n'),
};

/** The bakery's knowledge in German. */
export const BAKERY_GERMAN: Readonly<Record<string, string>> = {
  'de_DE/faq.md': [
    '# Fragen unserer Kunden',
    '',
    '### Wann haben Sie geöffnet?',
    '- Wie sind Ihre Öffnungszeiten?',
    '',
    'Wir öffnen jeden Morgen außer mittwochs um 7 Uhr und schließen um 15 Uhr.',
  ].join('\n'),
  'de_DE/torten.md': [
    '# Torten',
    '',
    '## Lieferung',
    '',
    'Eine Lieferung innerhalb von drei Kilometern kostet drei Euro.',
  ].join('\n'),
};

/** Writes a knowledge folder (the bakery unless told otherwise) and returns its path. */
export function writeKnowledgeFolder(files: Readonly<Record<string, string>> = BAKERY): string {
  const dir = mkdtempSync(join(tmpdir(), 'chalkbot-knowledge-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** The bakery's knowledge with keyword search only: no embedding model to load, for tests of the turn. */
export async function keywordKnowledge(files: Readonly<Record<string, string>> = BAKERY): Promise<Knowledge> {
  const dir = writeKnowledgeFolder(files);
  try {
    return await buildKnowledge(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
