/** US Spanish. Every line the bot and the flow speak once the caller has this language. */
import type { LocaleLines } from '../bot';

export const esUS: LocaleLines = {
  localeId: 'es_US',
  languageCode: 'es-US',
  languageName: 'Spanish',
  // Neural es-US voices: Lupe and Pedro (Polly's available-voices table).
  voice: { id: 'Lupe', engine: 'neural' },
  menu: { key: '2', offer: 'Para español, oprima dos.' },
  names: ['spanish', 'español', 'espanol', 'castellano', 'spanisch'],
  switchPhrases: [
    '{language}',
    'en {language} por favor',
    'habla {language}',
    'hablas {language}',
    'podemos hablar en {language}',
    'quiero hablar en {language}',
    'cambiar a {language}',
  ],
  sampleUtterances: {
    Goodbye: [
      'adiós',
      'adiós gracias',
      'chao',
      'hasta luego',
      'eso es todo',
      'eso es todo gracias',
      'nada más',
      'no gracias eso es todo',
      'cuelga',
      'terminar la llamada',
      'ya terminé',
      'ya está',
    ],
    TalkToAgent: [
      'quiero hablar con una persona',
      'hablar con una persona',
      'déjame hablar con una persona',
      'puedo hablar con una persona',
      'hablar con alguien',
      'hablar con un humano',
      'quiero un humano',
      'agente',
      'representante',
      'operador',
      'transfiéreme',
      'comuníqueme con un agente',
    ],
  },
  fillers: {
    start: ['Un momento.', 'Déjeme pensar.', 'Un segundo.'],
    update: ['Sigo trabajando en ello.', 'Ya casi.'],
    timeout: 'Perdón, eso tardó demasiado. ¿Podría preguntarme otra vez?',
  },
  messages: {
    reprompt: 'Perdón, no escuché nada. ¿Qué le gustaría saber?',
    silentGoodbye: 'Sigo sin escucharle, así que voy a terminar la llamada. Adiós.',
    goodbye: 'Gracias por llamar. Adiós.',
    modelUnavailable: 'Perdón, no pude encontrar una respuesta ahora. ¿Podría preguntarme otra vez?',
    modelNotConfigured:
      'Puedo responder algunas preguntas frecuentes, pero mi modelo de lenguaje no está configurado, así que no ' +
      'puedo ayudarle con esa.',
    malformedEvent: 'Perdón, algo falló de mi lado. ¿Podría repetirlo?',
    troubleTransfer: 'Perdón, estoy teniendo problemas. Le comunico con una persona.',
  },
  flow: {
    askQuestion: '¿Qué le gustaría saber?',
    goodbye: 'Gracias por llamar a Chalkbot. Adiós.',
    transfer: 'Le comunico con una persona ahora.',
    queueClosed: 'Perdón, nuestro equipo está cerrado ahora. Llame de nuevo en horario de atención. Adiós.',
    nobodyAvailable: 'Perdón, no hay nadie disponible para atender su llamada. Intente más tarde. Adiós.',
    apology: 'Perdón, algo falló de nuestro lado. Llame de nuevo más tarde. Adiós.',
  },
  silenceWords: ['eh', 'em', 'ehm', 'mm', 'mmm', 'este', 'pues', 'ah', 'oh', 'hm', 'hmm'],
  symbols: { and: 'y', times: 'por' },
};
