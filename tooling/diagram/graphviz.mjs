// Renders the DOT text on stdin as SVG on stdout with Graphviz compiled to WebAssembly
// (@hpcc-js/wasm-graphviz, an ES module: run as a child process from the CommonJS code, see svg.ts).
import { Graphviz } from '@hpcc-js/wasm-graphviz';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const graphviz = await Graphviz.load();
process.stdout.write(graphviz.dot(Buffer.concat(chunks).toString('utf8'), 'svg'));
