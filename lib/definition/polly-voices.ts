/**
 * Polly's neural voices by language, for the languages Chalkbot speaks or is likely to add. From the Amazon Polly
 * Developer Guide's table of available voices (docs.aws.amazon.com/polly/latest/dg/available-voices.html), column
 * "Neural voice". A locale's voice must be one of its language's, or Connect's Set voice block fails and the
 * caller hears nothing.
 *
 * Pure data. Add a language's row from that table when adding the language.
 */
export const POLLY_NEURAL_VOICES: Readonly<Record<string, readonly string[]>> = {
  'en-US': [
    'Danielle',
    'Gregory',
    'Ivy',
    'Joanna',
    'Kendra',
    'Kimberly',
    'Salli',
    'Joey',
    'Justin',
    'Kevin',
    'Matthew',
    'Ruth',
    'Stephen',
  ],
  'en-GB': ['Amy', 'Emma', 'Brian', 'Arthur'],
  'es-US': ['Lupe', 'Pedro'],
  'es-MX': ['Mia', 'Andres'],
  'es-ES': ['Lucia', 'Sergio'],
  'de-DE': ['Vicki', 'Daniel'],
  'fr-FR': ['Lea', 'Remi'],
  'fr-CA': ['Gabrielle', 'Liam'],
  'it-IT': ['Bianca', 'Adriano'],
  'pt-BR': ['Camila', 'Vitoria', 'Thiago'],
};
