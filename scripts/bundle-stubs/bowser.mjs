// Stands in for `bowser`, the browser user-agent parser that the AWS SDK imports only when it runs in a browser.
export default { parse: () => ({}) };
