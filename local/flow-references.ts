/**
 * The contact as the flow sees it, and Connect's `$.` references into it. Only the references our flows use
 * are known; any other stops the call with a message naming it, rather than quietly reading nothing.
 */
/** Connect's `$.Channel` values for the channels Chalkbot serves. */
export type ContactChannel = 'VOICE' | 'CHAT';

export interface ContactState {
  readonly contactId: string;
  /** A phone call or a web chat. */
  readonly channel: ContactChannel;
  /** The Polly voice the flow set (Connect's default is Joanna). */
  voice: string;
  /** The contact's language, e.g. en-US; Connect picks the Lex locale from it. */
  languageCode: string;
  flowLogging: boolean;
  /** What the last Lex hand-over left behind: `$.Lex.IntentName`, `$.Lex.SessionAttributes`. */
  lex: { intentName?: string; sessionAttributes: Readonly<Record<string, string>> };
  /** Set by UpdateContactTargetQueue; TransferContactToQueue sends the call there. */
  targetQueue?: { readonly arn: string; readonly name: string };
  /** What the last GetParticipantInput stored (`StoreInput`): `$.StoredCustomerInput`. */
  storedInput?: string;
  /** User-defined contact attributes (UpdateContactAttributes): `$.Attributes.<name>`. */
  readonly attributes: Record<string, string>;
  /** How many times each Loop action has continued so far. */
  readonly loopCounts: Map<string, number>;
}

export function newContact(contactId: string, channel: ContactChannel = 'VOICE'): ContactState {
  return {
    contactId,
    channel,
    voice: 'Joanna',
    languageCode: 'en-US',
    flowLogging: false,
    lex: { sessionAttributes: {} },
    attributes: {},
    loopCounts: new Map(),
  };
}

/** A reference the local call cannot resolve; the flow uses something it does not emulate. */
export class UnknownReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`The reference ${reference} is not one the local call knows`);
    this.name = 'UnknownReferenceError';
  }
}

const LEX_ATTRIBUTE = /^\$\.Lex\.SessionAttributes(?:\.([A-Za-z0-9_-]+)|\.?\[\s*'([^']*)'\s*\])$/;
const CONTACT_ATTRIBUTE = /^\$\.Attributes(?:\.([A-Za-z0-9_-]+)|\.?\[\s*'([^']*)'\s*\])$/;

/**
 * A parameter value as Connect reads it: `$.`-references are looked up (undefined when the contact has no
 * such value, as an unset attribute), anything else is literal text.
 */
export function resolveValue(value: string, contact: ContactState): string | undefined {
  if (!value.startsWith('$.')) return value;
  const lexAttribute = LEX_ATTRIBUTE.exec(value);
  if (lexAttribute) return contact.lex.sessionAttributes[lexAttribute[1] ?? lexAttribute[2]];
  const contactAttribute = CONTACT_ATTRIBUTE.exec(value);
  if (contactAttribute) {
    const name = contactAttribute[1] ?? contactAttribute[2];
    return Object.hasOwn(contact.attributes, name) ? contact.attributes[name] : undefined;
  }
  switch (value) {
    case '$.ContactId':
    case '$.InitialContactId':
      return contact.contactId;
    case '$.Channel':
      return contact.channel;
    case '$.StoredCustomerInput':
      return contact.storedInput;
    case '$.LanguageCode':
      return contact.languageCode;
    case '$.TextToSpeechVoiceId':
      return contact.voice;
    case '$.Lex.IntentName':
      return contact.lex.intentName;
    case '$.Queue.Name':
      return contact.targetQueue?.name;
    case '$.Queue.ARN':
      return contact.targetQueue?.arn;
    default:
      throw new UnknownReferenceError(value);
  }
}
