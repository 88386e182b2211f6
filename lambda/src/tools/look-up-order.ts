/**
 * look_up_order: the order's status, carrier and expected day, from wherever the business keeps orders. The
 * model sees only those, with the date written as a voice says it; the caller hears them in one or two short
 * sentences, or, for a number that is not there, the digits that were heard, so they can correct it. Said
 * without the model, the status is in the caller's language when the definition knows the business's word for it.
 */
import { type BotDefinition, botDefinition } from '../../../lib/definition/bot';
import { lookUpOrder } from '../../../lib/definition/tools';
import type { OrderSource, SpeakableOrder } from '../orders/order-source';
import { digitByDigit, normalizeOrderId } from '../spoken-digits';
import { fill, type ToolImplementation, type ToolOutcome } from './tool';

/**
 * One formatter per language, made once: `toLocaleDateString` with options builds a new Intl.DateTimeFormat
 * every call, which took more CPU than the rest of the lookup (about 0.6 ms a tool turn in the bench's profile).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-12-04" as said: "Friday, December 4" (the date's own day, whatever the function's time zone). */
export function spokenDate(isoDate: string, localeTag: string = botDefinition.languageCode): string {
  let format = dateFormats.get(localeTag);
  if (!format) {
    format = new Intl.DateTimeFormat(localeTag, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    dateFormats.set(localeTag, format);
  }
  const day = new Date(`${isoDate.slice(0, 10)}T12:00:00Z`);
  // A date that is not one (2026-02-30) throws in format(); said as before, not a failed lookup.
  return Number.isNaN(day.getTime()) ? day.toLocaleDateString(localeTag) : format.format(day);
}

/** The order in a voice's words: status, then carrier and expected day when known. */
export function spokenOrder(
  order: SpeakableOrder,
  locale: BotDefinition = botDefinition,
  today: Date = new Date(),
): string {
  const lines = locale.messages.orders;
  const digits = digitByDigit(order.orderId);
  const status = lines.statuses[order.status.trim().toLowerCase()] ?? order.status;
  const said = [fill(lines.status, { digits, status })];
  if (order.carrier) said.push(fill(lines.carrier, { carrier: order.carrier }));
  if (order.expectedDelivery) {
    const past = order.expectedDelivery.slice(0, 10) < today.toISOString().slice(0, 10);
    said.push(
      fill(past ? lines.expectedPast : lines.expected, {
        date: spokenDate(order.expectedDelivery, locale.languageCode),
      }),
    );
  }
  return said.join(' ');
}

const unavailable = (locale: BotDefinition): ToolOutcome => ({
  forModel: { error: 'The order system could not be reached. Offer to get the caller a person.' },
  spoken: locale.messages.orders.unavailable,
  failed: true,
});

export function lookUpOrderTool(
  orders: OrderSource,
  now: () => Date = () => new Date(),
): ToolImplementation<typeof lookUpOrder.schema> {
  return {
    declaration: lookUpOrder,
    unavailable,
    async run({ orderId: said }, { signal, locale }): Promise<ToolOutcome> {
      const lines = locale.messages.orders;
      const orderId = normalizeOrderId(said, locale);
      const heardDigits = digitByDigit(orderId || said);
      if (orderId === '') {
        return { forModel: { found: false, heardDigits }, spoken: fill(lines.notFound, { digits: heardDigits }) };
      }
      let order: SpeakableOrder | undefined;
      try {
        order = await orders.find(orderId, signal);
      } catch {
        return unavailable(locale);
      }
      if (order === undefined) {
        return { forModel: { found: false, heardDigits }, spoken: fill(lines.notFound, { digits: heardDigits }) };
      }
      return {
        forModel: {
          found: true,
          orderId: order.orderId,
          status: order.status,
          ...(order.carrier ? { carrier: order.carrier } : {}),
          // In English for the model whatever the caller's language: it words its answer in the prompt's language.
          ...(order.expectedDelivery ? { expectedDelivery: spokenDate(order.expectedDelivery) } : {}),
        },
        spoken: spokenOrder(order, locale, now()),
      };
    },
  };
}
