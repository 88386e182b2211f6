/** Where look_up_order reads orders, as the function's settings say. */
import { readSettings, SettingsError } from '../../lambda/src/settings';

const base = { CALL_MEMORY_TABLE: 'calls' };

test("ORDERS_TABLE: the stack's table; nothing set: no order tool", () => {
  expect(readSettings({ ...base, ORDERS_TABLE: 'orders' }).orders).toEqual({ kind: 'table', tableName: 'orders' });
  expect(readSettings(base).orders).toBeUndefined();
});

test('ORDER_LOOKUP_URL wins over the table, with its token or token secret', () => {
  const settings = readSettings({
    ...base,
    ORDERS_TABLE: 'orders',
    ORDER_LOOKUP_URL: 'https://shop.example.com/orders/{orderId}',
    ORDER_LOOKUP_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf',
  });
  expect(settings.orders).toEqual({
    kind: 'api',
    urlTemplate: 'https://shop.example.com/orders/{orderId}',
    token: undefined,
    tokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf',
  });
});

test.each([
  ['http://shop.example.com/orders/{orderId}', /must be an https URL/],
  ['https://shop.example.com/orders', /must contain \{orderId\}/],
])('ORDER_LOOKUP_URL %s is refused', (url, message) => {
  expect(() => readSettings({ ...base, ORDER_LOOKUP_URL: url })).toThrow(SettingsError);
  expect(() => readSettings({ ...base, ORDER_LOOKUP_URL: url })).toThrow(message);
});

test('a loopback http API is allowed (a local stand-in), and TOOL_TIMEOUT_MS is read', () => {
  const settings = readSettings({
    ...base,
    ORDER_LOOKUP_URL: 'http://127.0.0.1:8080/orders/{orderId}',
    TOOL_TIMEOUT_MS: '750',
  });
  expect(settings.orders?.kind).toBe('api');
  expect(settings.toolTimeoutMs).toBe(750);
});
