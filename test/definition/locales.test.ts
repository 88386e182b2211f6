import {
  AGENT_INTENT,
  botDefinition,
  botLocales,
  defaultLocale,
  FALLBACK_INTENT,
  findLocale,
  GOODBYE_INTENT,
  LOCALES,
  type LocaleLines,
  localeDefinition,
  requestedLocale,
  SWITCH_LANGUAGE_INTENT,
} from '../../lib/definition/bot';
import { POLLY_NEURAL_VOICES } from '../../lib/definition/polly-voices';

/** Every empty line (or empty list of lines) anywhere in a locale, by its path. */
function emptyLines(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [path] : [];
  if (Array.isArray(value)) {
    if (value.length === 0) return [path];
    return value.flatMap((item, index) => emptyLines(item, `${path}[${index}]`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => emptyLines(item, `${path}.${key}`));
  }
  return [];
}

test('the bot speaks US English (the default), US Spanish and German', () => {
  expect(LOCALES.map((locale) => locale.localeId)).toEqual(['en_US', 'es_US', 'de_DE']);
  expect(defaultLocale.localeId).toBe('en_US');
  expect(botDefinition).toBe(defaultLocale);
});

test.each(LOCALES.map((locale) => [locale.localeId, locale] as const))(
  '%s has every line, none empty',
  (_id, locale) => {
    expect(emptyLines(locale, locale.localeId)).toEqual([]);
  },
);

test('the check finds a line left empty or a list left without lines', () => {
  const broken: LocaleLines = {
    ...LOCALES[1],
    messages: { ...LOCALES[1].messages, reprompt: ' ' },
    sampleUtterances: { ...LOCALES[1].sampleUtterances, Goodbye: [] },
  };
  expect(emptyLines(broken, 'es_US')).toEqual(['es_US.sampleUtterances.Goodbye', 'es_US.messages.reprompt']);
});

test('each locale has its own id, language code, menu key and names', () => {
  const unique = (values: readonly string[]) => new Set(values).size === values.length;
  expect(unique(LOCALES.map((l) => l.localeId))).toBe(true);
  expect(unique(LOCALES.map((l) => l.menu.key))).toBe(true);
  expect(unique(LOCALES.flatMap((l) => l.names))).toBe(true);
  for (const locale of LOCALES) {
    expect(locale.languageCode).toBe(locale.localeId.replace('_', '-'));
    // GetParticipantInput takes one key: 1-9, # or *.
    expect(locale.menu.key).toMatch(/^[1-9#*]$/);
    for (const name of [...locale.names, ...locale.silenceWords]) expect(name).toBe(name.toLowerCase());
  }
});

test.each(LOCALES.map((l) => [l.localeId, l.languageCode, l.voice.id] as const))(
  '%s speaks with a Polly neural voice of its language (%s, %s)',
  (_id, languageCode, voiceId) => {
    expect(POLLY_NEURAL_VOICES[languageCode]).toContain(voiceId);
  },
);

test('every locale has the same intents, and each spoken intent has its own utterances', () => {
  for (const locale of botLocales) {
    expect(locale.intents.map((intent) => intent.name)).toEqual([
      FALLBACK_INTENT,
      GOODBYE_INTENT,
      AGENT_INTENT,
      SWITCH_LANGUAGE_INTENT,
    ]);
    const [, goodbye, agent] = locale.intents;
    expect(goodbye.sampleUtterances.length).toBeGreaterThan(0);
    expect(agent.sampleUtterances.length).toBeGreaterThan(0);
    const lower = (list: readonly string[]) => list.map((u) => u.toLowerCase());
    expect(lower(goodbye.sampleUtterances).filter((u) => lower(agent.sampleUtterances).includes(u))).toEqual([]);
    expect(locale.fulfillmentUpdates.timeoutSeconds).toBe(defaultLocale.fulfillmentUpdates.timeoutSeconds);
  }
});

test('localeDefinition answers in the asked locale and falls back to English', () => {
  expect(localeDefinition('es_US').messages.goodbye).toBe('Gracias por llamar. Adiós.');
  expect(localeDefinition('de_DE').voice.id).toBe('Vicki');
  expect(localeDefinition('fr_FR')).toBe(defaultLocale);
  expect(localeDefinition(undefined)).toBe(defaultLocale);
  expect(findLocale('fr_FR')).toBeUndefined();
});

test('each locale asks for every other language by name, never for itself', () => {
  const english = localeDefinition('en_US').intents.find((intent) => intent.name === SWITCH_LANGUAGE_INTENT);
  expect(english?.sampleUtterances).toEqual(
    expect.arrayContaining(['can we speak spanish', 'german please', 'espanol']),
  );
  expect(english?.sampleUtterances.some((u) => u.includes('english'))).toBe(false);
  // Only letters the language writes: no ñ or á in English utterances, no ñ in German ones; é and á in Spanish.
  expect(english?.sampleUtterances.filter((u) => /[^\x20-\x7e]/.test(u))).toEqual([]);
  const spanish = localeDefinition('es_US').intents.find((intent) => intent.name === SWITCH_LANGUAGE_INTENT);
  expect(spanish?.sampleUtterances).toEqual(expect.arrayContaining(['habla inglés', 'en alemán por favor']));
  const german = localeDefinition('de_DE').intents.find((intent) => intent.name === SWITCH_LANGUAGE_INTENT);
  expect(german?.sampleUtterances).toEqual(expect.arrayContaining(['sprechen Sie englisch', 'auf spanisch bitte']));
  expect(german?.sampleUtterances.some((u) => u.includes('ñ'))).toBe(false);
  for (const locale of LOCALES) {
    for (const phrase of locale.switchPhrases) expect(phrase).toContain('{language}');
  }
});

test('requestedLocale finds the language a caller named, other than the current one', () => {
  expect(requestedLocale('¿Habla español?', 'en_US')?.localeId).toBe('es_US');
  expect(requestedLocale('Can we speak German, please?', 'en_US')?.localeId).toBe('de_DE');
  expect(requestedLocale('Sprechen Sie Englisch?', 'de_DE')?.localeId).toBe('en_US');
  expect(requestedLocale('in English please', 'en_US')).toBeUndefined();
  expect(requestedLocale('another language', 'en_US')).toBeUndefined();
});
