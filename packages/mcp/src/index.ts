export { registerBursarTools, createBursarMcpServer, toolDescriptors, describeSpend, errorResult, createSpendInput, getSpendInput } from './tools.js';
export { runStdioServer } from './stdio.js';
export { handleMcpHttpRequest } from './http.js';
