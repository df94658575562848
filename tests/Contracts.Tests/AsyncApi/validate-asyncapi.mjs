// Validates an AsyncAPI document with the official parser (@asyncapi/parser, pinned in the root package.json):
// the AsyncAPI JSON Schema plus the parser's semantic rules (references resolve, operation messages belong to the
// operation's channel, ...). The parser does not check message examples against their schemas, so this script also
// does that, with the parser's own Ajv (draft-07, like the AsyncAPI Schema Object).
//
//   node validate-asyncapi.mjs <document>            exit 0 when there is no error-severity diagnostic, 1 otherwise
//   node validate-asyncapi.mjs --to-json <document>  print the YAML/JSON document as JSON (used to check the YAML writer)
//   node validate-asyncapi.mjs --each <document>...  validate each document in this one process (the parser loads once)
//                                                    and print one JSON object: per document, the exit code, stdout and
//                                                    stderr the single-document form would have given
//
// Diagnostics are printed one per line: "<severity> <code> at <path>: <message>". Usage or I/O problems exit 2.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Parser, fromFile, DiagnosticSeverity } from '@asyncapi/parser';

const severityNames = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

// Libraries the parser itself uses, resolved from its own dependencies rather than pinned a second time.
const parserRequire = createRequire(import.meta.resolve('@asyncapi/parser'));

async function toJson(file) {
  const yaml = parserRequire('js-yaml');
  const document = yaml.load(await readFile(file, 'utf8'));
  process.stdout.write(JSON.stringify(document) + '\n');
  return 0;
}

async function validate(file, out = console.log, err = console.error) {
  const { document, diagnostics } = await fromFile(new Parser(), file).parse();
  let errors = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) {
      errors++;
    }

    const where = d.path && d.path.length > 0 ? '/' + d.path.join('/') : '/';
    const line = `${severityNames[d.severity] ?? d.severity} ${d.code} at ${where}: ${d.message}`;
    (d.severity === DiagnosticSeverity.Error ? err : out)(line);
  }

  if (document !== undefined) {
    for (const problem of exampleProblems(document)) {
      errors++;
      err(problem);
    }
  }

  if (errors > 0 || document === undefined) {
    err(`${file}: ${errors} error(s); the document is not valid AsyncAPI.`);
    return 1;
  }

  out(`${file}: valid AsyncAPI ${document.version()} (${diagnostics.length} non-error diagnostic(s)); ` +
    `${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages.`);
  return 0;
}

function exampleProblems(document) {
  const Ajv = parserRequire('ajv').default;
  const addFormats = parserRequire('ajv-formats').default;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const problems = [];
  for (const message of document.components().messages()) {
    message.examples().all().forEach((example, index) => {
      for (const [part, schema, value] of [['payload', message.payload(), example.payload()], ['headers', message.headers(), example.headers()]]) {
        if (schema === undefined || value === undefined) {
          continue;
        }

        const validate = ajv.compile(schema.json());
        if (!validate(value)) {
          for (const e of validate.errors) {
            problems.push(`error message-example-invalid at /components/messages/${message.id()}/examples/${index}/${part}${e.instancePath}: ${e.message}`);
          }
        }
      }
    });
  }

  return problems;
}

async function validateEach(files) {
  const results = {};
  for (const file of files) {
    const stdout = [];
    const stderr = [];
    let exitCode;
    try {
      exitCode = await validate(resolve(file), line => stdout.push(line), line => stderr.push(line));
    } catch (e) {
      stderr.push(`error: ${e?.stack ?? e}`);
      exitCode = 2;
    }

    results[file] = { exitCode, stdout: stdout.map(l => l + '\n').join(''), stderr: stderr.map(l => l + '\n').join('') };
  }

  process.stdout.write(JSON.stringify(results) + '\n');
  return 0;
}

const args = process.argv.slice(2);
try {
  if (args.length >= 2 && args[0] === '--each') {
    process.exitCode = await validateEach(args.slice(1));
  } else if (args.length === 2 && args[0] === '--to-json') {
    process.exitCode = await toJson(resolve(args[1]));
  } else if (args.length === 1 && !args[0].startsWith('--')) {
    process.exitCode = await validate(resolve(args[0]));
  } else {
    console.error('usage: node validate-asyncapi.mjs [--to-json] <asyncapi.yaml|json> | --each <asyncapi.yaml|json>...');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`error: ${err?.stack ?? err}`);
  process.exitCode = 2;
}
