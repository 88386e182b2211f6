/**
 * Reads a business's knowledge folder: `faq.md` (questions with their answers) and any other `.md` or `.txt`
 * documents, split into passages on headings and paragraphs. Pure parsing; no search and no embeddings.
 *
 * Layout:
 * - `faq.md`: a `###` heading is a question; a bullet list right under it gives other ways of asking it; the
 *   text after that is the answer. `#` and `##` headings group questions and are not questions themselves.
 * - Other `.md` files: passages are the paragraphs under each heading, carrying the heading path ("Returns and
 *   refunds > Refunds"); short paragraphs under one heading are kept together, long ones split at sentences.
 * - `.txt` files: paragraphs separated by blank lines, under the file's name as heading.
 * - Subfolders are read too, except those named like a locale (`es_US`, `de_DE`): those hold the knowledge of
 *   another locale (knowledge-locales.ts), read with `readKnowledgeFolder(join(dir, localeId))`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';

export const FAQ_FILE = 'faq.md';
const DOCUMENT_EXTENSIONS = new Set(['.md', '.txt']);
/** A subfolder with a locale's knowledge (i.e. another language), not part of this one. */
export const LOCALE_FOLDER = /^[a-z]{2}([-_][A-Za-z]{2})?$/;

/** Passages aim for this size: enough context to answer from, small enough that several fit a prompt. */
const PASSAGE_TARGET_CHARS = 600;
const PASSAGE_MAX_CHARS = 900;

export interface FaqEntry {
  /** Stable within a folder: the question's slug. */
  readonly id: string;
  /** The question as written, then its other wordings. */
  readonly questions: readonly string[];
  readonly answer: string;
}

export interface Passage {
  readonly id: string;
  /** The file it came from, relative to the knowledge folder. */
  readonly source: string;
  /** The heading path it sits under, e.g. "Returns and refunds > Refunds". */
  readonly heading: string;
  readonly text: string;
  /** Set when the passage is an FAQ entry (question and answer). */
  readonly faqId?: string;
}

export interface KnowledgeDocuments {
  readonly faq: readonly FaqEntry[];
  /** Every passage: the FAQ entries first (so retrieval finds them too), then the documents'. */
  readonly passages: readonly Passage[];
}

export class KnowledgeFolderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KnowledgeFolderError';
  }
}

/** Reads and parses a knowledge folder. Throws a KnowledgeFolderError when it cannot be read. */
export async function readKnowledgeFolder(dir: string): Promise<KnowledgeDocuments> {
  let files: string[];
  try {
    files = await documentFiles(dir, dir);
  } catch (error) {
    throw new KnowledgeFolderError(`cannot read the knowledge folder ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readFile(join(dir, file), 'utf8') })));
  return parseKnowledge(texts);
}

/** Parses files already read (relative path and text); the folder reader and the tests use it. */
export function parseKnowledge(files: readonly { file: string; text: string }[]): KnowledgeDocuments {
  const sorted = [...files].sort((a, b) => a.file.localeCompare(b.file));
  const faqFile = sorted.find(({ file }) => file === FAQ_FILE);
  const faq = faqFile ? parseFaq(faqFile.text) : [];
  const passages: Passage[] = faq.map((entry) => ({
    id: `faq#${entry.id}`,
    source: FAQ_FILE,
    heading: entry.questions[0],
    text: entry.answer,
    faqId: entry.id,
  }));
  for (const { file, text } of sorted) {
    if (file === FAQ_FILE) continue;
    passages.push(...(extname(file) === '.txt' ? splitText(file, text) : splitMarkdown(file, text)));
  }
  return { faq, passages };
}

async function documentFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!LOCALE_FOLDER.test(entry.name)) found.push(...(await documentFiles(root, path)));
    } else if (entry.isFile() && DOCUMENT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      found.push(relative(root, path).split('\\').join('/'));
    }
  }
  return found;
}

/** `###` questions, their bullet-listed other wordings, and the answer paragraphs below. */
export function parseFaq(markdown: string): FaqEntry[] {
  const entries: FaqEntry[] = [];
  let current: { questions: string[]; answer: string[]; inWordings: boolean } | undefined;
  const finish = () => {
    if (!current) return;
    const answer = current.answer.join(' ').replace(/\s+/g, ' ').trim();
    if (answer !== '')
      entries.push({ id: uniqueSlug(current.questions[0], entries), questions: current.questions, answer });
    current = undefined;
  };
  for (const line of withoutComments(markdown).split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      finish();
      if (heading[1].length === 3) current = { questions: [heading[2]], answer: [], inWordings: true };
      continue;
    }
    if (!current) continue;
    const item = /^\s*[-*+]\s+(.*\S)\s*$/.exec(line);
    if (current.inWordings && item) {
      current.questions.push(item[1]);
      continue;
    }
    if (line.trim() === '') continue;
    current.inWordings = false;
    current.answer.push(line.trim());
  }
  finish();
  return entries;
}

/** Passages of a markdown document: paragraphs under their heading path. */
function splitMarkdown(file: string, markdown: string): Passage[] {
  const title = titleOf(file);
  const path: string[] = [];
  const sections: { heading: string; paragraphs: string[] }[] = [];
  let section: { heading: string; paragraphs: string[] } = { heading: title, paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) section.paragraphs.push(paragraph.join('\n'));
    paragraph = [];
  };
  for (const line of withoutComments(markdown).split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      endParagraph();
      sections.push(section);
      path.length = heading[1].length - 1;
      path[heading[1].length - 1] = heading[2];
      section = { heading: path.filter(Boolean).join(' > '), paragraphs: [] };
      continue;
    }
    if (line.trim() === '') endParagraph();
    else paragraph.push(line);
  }
  endParagraph();
  sections.push(section);
  return sections.flatMap(({ heading, paragraphs }) => toPassages(file, heading, paragraphs));
}

/** Passages of a plain text document: its paragraphs, under the file's name. */
function splitText(file: string, text: string): Passage[] {
  return toPassages(file, titleOf(file), text.split(/\r?\n\s*\r?\n/));
}

/**
 * Paragraphs joined up to the target size, and a paragraph longer than the maximum split at sentences. A list's
 * items were lines of one paragraph; they become sentences, since passages are spoken when there is no model.
 */
function toPassages(file: string, heading: string, paragraphs: readonly string[]): Passage[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const paragraph of paragraphs.map(asSentences).filter(Boolean).flatMap(splitLong)) {
    if (chunk !== '' && chunk.length + paragraph.length + 1 > PASSAGE_TARGET_CHARS) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk = chunk === '' ? paragraph : `${chunk} ${paragraph}`;
  }
  if (chunk !== '') chunks.push(chunk);
  return chunks.map((text, index) => ({ id: `${file}#${slug(heading)}-${index + 1}`, source: file, heading, text }));
}

/** One paragraph as sentences: list markers dropped, each item ended with a full stop, lines joined. */
function asSentences(paragraph: string): string {
  const lines = paragraph
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const isList = lines.length > 0 && lines.every((line) => /^([-*+]|\d{1,3}[.)])\s+/.test(line));
  if (!isList) return lines.join(' ').replace(/\s+/g, ' ');
  return lines
    .map((line) => line.replace(/^([-*+]|\d{1,3}[.)])\s+/, '').replace(/[;,]$/, ''))
    .map((line) => (/[.!?:]$/.test(line) ? line : `${line}.`))
    .join(' ');
}

function splitLong(paragraph: string): string[] {
  if (paragraph.length <= PASSAGE_MAX_CHARS) return [paragraph];
  const parts: string[] = [];
  let part = '';
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'sentence' }).segment(paragraph)) {
    if (part !== '' && part.length + segment.length > PASSAGE_TARGET_CHARS) {
      parts.push(part.trim());
      part = '';
    }
    part += segment;
  }
  if (part.trim() !== '') parts.push(part.trim());
  return parts;
}

function withoutComments(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?-->/g, '');
}

/** "opening-hours.md" reads as "Opening hours". */
function titleOf(file: string): string {
  const name = basename(file, extname(file)).replace(/[-_]+/g, ' ').trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '') // "horário" is "horario", not "hora-rio"
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '') || 'passage'
  );
}

function uniqueSlug(question: string, taken: readonly FaqEntry[]): string {
  const base = slug(question);
  let id = base;
  for (let n = 2; taken.some((entry) => entry.id === id); n++) id = `${base}-${n}`;
  return id;
}
