/** German. Every line the bot and the flow speak once the caller has this language. */
import type { LocaleLines } from '../bot';

export const deDE: LocaleLines = {
  localeId: 'de_DE',
  languageCode: 'de-DE',
  languageName: 'German',
  // Neural de-DE voices: Vicki and Daniel (Polly's available-voices table).
  voice: { id: 'Vicki', engine: 'neural' },
  menu: { key: '3', offer: 'Für Deutsch, drücken Sie drei.' },
  names: ['german', 'deutsch', 'alemán', 'aleman'],
  switchPhrases: [
    '{language}',
    '{language} bitte',
    'auf {language} bitte',
    'sprechen Sie {language}',
    'können wir {language} sprechen',
    'ich möchte {language} sprechen',
    'wechseln Sie zu {language}',
  ],
  sampleUtterances: {
    Goodbye: [
      'auf Wiederhören',
      'auf Wiedersehen',
      'tschüss',
      'das ist alles',
      'das war alles',
      'das war alles danke',
      'nichts weiter',
      'nein danke das ist alles',
      'auflegen',
      'Anruf beenden',
      'ich bin fertig',
      'fertig',
    ],
    TalkToAgent: [
      'mit einer Person sprechen',
      'ich möchte mit einer Person sprechen',
      'lassen Sie mich mit einer Person sprechen',
      'kann ich mit einer Person sprechen',
      'mit jemandem sprechen',
      'mit einem Menschen sprechen',
      'ich will einen Menschen',
      'Mitarbeiter',
      'Kundenberater',
      'Vermittlung',
      'verbinden Sie mich',
      'verbinden Sie mich mit einem Mitarbeiter',
    ],
  },
  fillers: {
    start: ['Einen Moment.', 'Ich überlege kurz.', 'Eine Sekunde.'],
    update: ['Ich bin noch dabei.', 'Gleich geschafft.'],
    timeout: 'Entschuldigung, das hat zu lange gedauert. Können Sie mich noch einmal fragen?',
  },
  messages: {
    reprompt: 'Entschuldigung, ich habe nichts gehört. Was möchten Sie wissen?',
    silentGoodbye: 'Ich kann Sie immer noch nicht hören, deshalb beende ich jetzt den Anruf. Auf Wiederhören.',
    goodbye: 'Danke für Ihren Anruf. Auf Wiederhören.',
    modelUnavailable: 'Entschuldigung, mir fällt gerade keine Antwort ein. Können Sie mich noch einmal fragen?',
    dontKnow: 'Das weiß ich nicht; soll ich Sie mit einer Person verbinden?',
    malformedEvent: 'Entschuldigung, bei mir ist etwas schiefgegangen. Können Sie das noch einmal sagen?',
    troubleTransfer: 'Entschuldigung, ich habe Probleme. Ich verbinde Sie mit einer Person.',
    orders: {
      status: 'Bestellung {digits}: {status}.',
      carrier: 'Der Versanddienst ist {carrier}.',
      expected: 'Sie sollte am {date} ankommen.',
      expectedPast: 'Sie war für {date} erwartet.',
      notFound:
        'Diese Bestellung habe ich nicht gefunden. Ich habe {digits} verstanden. Können Sie die Nummer Ziffer für Ziffer wiederholen?',
      unavailable: 'Ich konnte das Bestellsystem gerade nicht erreichen. Soll ich Sie mit einer Person verbinden?',
    },
  },
  flow: {
    askQuestion: 'Was möchten Sie wissen?',
    goodbye: 'Danke, dass Sie mit Chalkbot gesprochen haben. Auf Wiederhören.',
    transfer: 'Ich verbinde Sie jetzt mit einer Person.',
    queueClosed:
      'Entschuldigung, unser Team ist gerade nicht erreichbar. Bitte melden Sie sich während der Öffnungszeiten ' +
      'wieder. Auf Wiederhören.',
    nobodyAvailable:
      'Entschuldigung, gerade ist niemand erreichbar. Bitte versuchen Sie es später noch einmal. Auf Wiederhören.',
    apology:
      'Entschuldigung, bei uns ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal. Auf Wiederhören.',
  },
  silenceWords: ['äh', 'ähm', 'öh', 'öhm', 'hm', 'hmm', 'mm', 'na', 'also', 'ah', 'oh'],
  symbols: { and: 'und', times: 'mal' },
};
