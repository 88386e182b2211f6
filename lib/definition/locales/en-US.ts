/** US English: the default locale. Every line the bot and the flow speak once the caller has this language. */
import type { LocaleLines } from '../bot';

export const enUS: LocaleLines = {
  localeId: 'en_US',
  languageCode: 'en-US',
  languageName: 'English',
  // Neural en-US voices include Joanna, Matthew, Danielle and Ruth (Polly's available-voices table).
  voice: { id: 'Joanna', engine: 'neural' },
  menu: { key: '1', offer: 'For English, press one.' },
  names: ['english', 'inglés', 'ingles', 'englisch'],
  sampleUtterances: {
    Goodbye: [
      'goodbye',
      'bye',
      'bye bye',
      'that is all',
      "that's all",
      "that's all thanks",
      'nothing else',
      'no thanks that is all',
      'hang up',
      'end the call',
      'I am done',
      "I'm done",
    ],
    TalkToAgent: [
      'I want to talk to a person',
      'talk to a person',
      'let me talk to a person',
      'can I speak to a person',
      'speak to someone',
      'talk to a human',
      'I want a human',
      'agent',
      'representative',
      'operator',
      'transfer me',
      'connect me to an agent',
    ],
  },
  fillers: {
    start: ['One moment.', 'Let me think.', 'Just a second.'],
    update: ['Still working on it.', 'Almost there.'],
    timeout: 'Sorry, that took too long. Could you ask me again?',
  },
  messages: {
    reprompt: "Sorry, I didn't hear anything. What would you like to know?",
    silentGoodbye: "I still can't hear you, so I'll end the call now. Goodbye.",
    goodbye: 'Thanks for calling. Goodbye.',
    modelUnavailable: "Sorry, I couldn't come up with an answer just now. Could you ask me again?",
    modelNotConfigured:
      "I can answer a few common questions, but my language model isn't configured, so I can't help with that one.",
    malformedEvent: 'Sorry, something went wrong on my side. Could you say that again?',
    troubleTransfer: "Sorry, I'm having trouble. Let me find you a person.",
  },
  flow: {
    askQuestion: 'What would you like to know?',
    goodbye: 'Thanks for calling Chalkbot. Goodbye.',
    transfer: 'Connecting you to a person now.',
    queueClosed: 'Sorry, our team is closed right now. Please call back during opening hours. Goodbye.',
    nobodyAvailable: 'Sorry, nobody is available to take your call right now. Please try again later. Goodbye.',
    apology: 'Sorry, something went wrong on our side. Please call again later. Goodbye.',
  },
  silenceWords: ['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'ah', 'eh', 'hm', 'hmm', 'mm', 'mhm', 'oh'],
  symbols: { and: 'and', times: 'times' },
  switchedLanguage: "Sure, let's continue in English.",
};
