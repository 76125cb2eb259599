export const id = 645;
export const ids = [645];
export const modules = {

/***/ 6645:
/***/ ((__unused_webpack_module, __unused_webpack___webpack_exports__, __webpack_require__) => {


// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
var external_node_v8_default = /*#__PURE__*/__webpack_require__.n(external_node_v8_);
;// CONCATENATED MODULE: ./src/heap.ts
// The action's live data stays small (about 20 MB at 10,000 hosts), but parsing AWS answers
// allocates fast, and V8 answers a fast allocator by growing its young generation towards its
// maximum (two 64 MB semi-spaces on Node 24 with a large heap limit): at 10,000 hosts that was
// most of the action's resident memory. Keeping the young generation at its starting size costs
// more frequent scavenges, which are cheap next to the rollout's waits.
//
// `runs.using: node24` starts `node dist/index.js` with no flags, so this is set at start-up. V8
// reads this flag whenever it would grow the young generation, so setting it late still holds;
// it is imported first (see index.ts) so that little has been allocated before.

external_node_v8_default().setFlagsFromString('--semi-space-growth-factor=1');

// EXTERNAL MODULE: ../main/node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(2561);
// EXTERNAL MODULE: ./src/constants.ts
var constants = __webpack_require__(9524);
;// CONCATENATED MODULE: ./src/inputs.ts
// Step 1 of a run: turn the raw action inputs into Settings, or into every problem at once, before
// anything touches AWS. Pure on purpose: the caller decides how to read inputs and report errors.

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
// SSM's executionTimeout maximum (172800 s). The same cap keeps every wait far below the
// 2^31-1 ms where setTimeout silently fires at once instead of waiting.
const MAX_DURATION_MS = 48 * HOUR_MS;
const MAX_SHOWN_VALUE = 200;
const MAX_HEALTH_PATH = 1024;
const MAX_EXPECTED_VERSION = 256;
const MAX_ALARM_NAME = 255;
const DURATION_FORMS = 'use seconds (90) or a number with a unit: 90s, 5m, 1h, 1h30m';
const BATCH_FORMS = 'use a count ≥ 1 (2), a percent over 0 and up to 100 (25%), or a list (1, 10%, 50%)';
const TG_FORMS = 'use an ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>) or a ' +
    'name of 1–32 letters, digits and hyphens, not starting or ending with a hyphen';
const PARAMS_EXAMPLE = '{"commands": ["./deploy.sh"]}';
const TG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const TG_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:targetgroup\/([A-Za-z0-9-]{1,32})\/[A-Za-z0-9]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// Names and ARNs as SSM accepts them for SendCommand (shared documents go by ARN).
const DOCUMENT_NAME = /^[A-Za-z0-9_.:/-]{3,200}$/;
// C0, DEL and C1 controls: they could forge log lines or break the one-line annotation.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;
/** Cuts a value to at most 200 characters (code points, so no half surrogate pair). */
function truncate(value) {
    const chars = Array.from(value);
    return chars.length <= MAX_SHOWN_VALUE
        ? value
        : chars.slice(0, MAX_SHOWN_VALUE - 1).join('') + '…';
}
/** A value quoted for a message: truncated, and every invisible or line-breaking character escaped
 *  so the annotation stays on one line and shows what was really given. */
function show(value) {
    return JSON.stringify(truncate(value)).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
/** Splits a list input on commas and newlines; empty entries are dropped. */
function splitList(raw) {
    return raw
        .split(/[,\r\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
const unique = (items) => [...new Set(items)];
const UNIT_MS = { h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;
/** Milliseconds of `<int>[.<frac>]` × unit, computed exactly; undefined when not a whole ms. */
function componentMs(text, unitMs) {
    const [whole = '', frac = ''] = text.split('.');
    // Capped so fraction × unit stays an exact integer and the divisibility test can be trusted.
    if (frac.length > 6)
        return undefined;
    const scale = 10 ** frac.length;
    const fracScaled = Number(frac || '0') * unitMs;
    if (fracScaled % scale !== 0)
        return undefined;
    const ms = Number(whole) * unitMs + fracScaled / scale;
    return Number.isSafeInteger(ms) ? ms : undefined;
}
/**
 * Parses `90` (seconds), `90s`, `5m`, `1h`, `1h30m`, `1h30m15s` or `1.5m` into milliseconds.
 * Units are h, m, s in that order, each at most once, case-insensitive. Undefined when the text
 * is empty, negative, not a whole number of milliseconds, or anything else.
 */
function parseDuration(text) {
    const t = text.trim().toLowerCase();
    if (t === '')
        return undefined;
    if (/^\d+(?:\.\d+)?$/.test(t))
        return componentMs(t, SECOND_MS);
    const m = DURATION.exec(t);
    if (m === null)
        return undefined;
    let total = 0;
    let parts = 0;
    for (const [i, unit] of ['h', 'm', 's'].entries()) {
        const part = m[i + 1];
        if (part === undefined)
            continue;
        const ms = componentMs(part, UNIT_MS[unit] ?? 0);
        if (ms === undefined)
            return undefined;
        total += ms;
        parts++;
    }
    return parts > 0 && Number.isSafeInteger(total) ? total : undefined;
}
/** A plain decimal (no sign, exponent or hex): Number() alone would take ' 1e2 ' or '0x10'. */
function parseDecimal(text) {
    return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
}
function parseCount(text) {
    if (!/^\d+$/.test(text))
        return undefined;
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : undefined;
}
/** `N%` (spaces before % allowed) → N, else undefined. */
function parsePercent(text) {
    const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]);
}
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);
/**
 * Formats an error as the one line of a `::error` annotation. Messages already name the input,
 * the value and the fix; this keeps the line single even for a hand-built error.
 */
function formatInputError(e) {
    const text = e.message.includes(e.input) ? e.message : `${e.input}: ${e.message}`;
    return text.replace(/[\r\n]+/g, ' ');
}
/**
 * Validates every input and returns Settings, or all the errors found (never only the first),
 * so one failed run shows everything to fix. `get` returns the raw input ('' when unset).
 */
function parseInputs(get, env = process.env) {
    const errors = [];
    const fail = (input, value, message) => {
        errors.push({ input, value: truncate(value), message });
    };
    const read = (name) => (get(name) ?? '').trim();
    const duration = (name, fallback, limits) => {
        const raw = read(name);
        const ms = parseDuration(raw || fallback);
        if (ms === undefined) {
            fail(name, raw, `${name} ${show(raw)} is not a duration: ${DURATION_FORMS}`);
            return 0;
        }
        if (ms < limits.min) {
            fail(name, raw, `${name} ${show(raw)} is too short: ${limits.tooShort ?? DURATION_FORMS}`);
        }
        else if (ms > MAX_DURATION_MS) {
            const why = limits.tooLongWhy === undefined ? '' : `${limits.tooLongWhy}; `;
            fail(name, raw, `${name} ${show(raw)} is too long: ${why}use 48h or less`);
        }
        return ms;
    };
    const boolean = (name, fallback) => {
        const raw = read(name);
        if (raw === '')
            return fallback;
        const word = raw.toLowerCase();
        if (TRUE_WORDS.has(word))
            return true;
        if (FALSE_WORDS.has(word))
            return false;
        fail(name, raw, `${name} ${show(raw)} is not a boolean: use true or false`);
        return fallback;
    };
    const optional = (name) => read(name) || undefined;
    // aws-region first: target group ARNs are checked against it.
    const region = parseRegion(read(constants/* Input */.pd.AwsRegion), env, fail);
    const targetGroups = parseTargetGroups(read(constants/* Input */.pd.TargetGroups), region, fail);
    const deploy = parseDeploy(get(constants/* Input */.pd.Command) ?? '', read(constants/* Input */.pd.Document), read(constants/* Input */.pd.DocumentParameters), fail);
    const batchSize = parseBatchSize(read(constants/* Input */.pd.BatchSize), fail);
    const canaryWaitMs = duration(constants/* Input */.pd.CanaryWait, '0', { min: 0 });
    const healthPath = parseHealthPath(read(constants/* Input */.pd.HealthPath), fail);
    const healthPort = parseHealthPort(read(constants/* Input */.pd.HealthPort), fail);
    const healthTimeoutMs = duration(constants/* Input */.pd.HealthTimeout, '5m', {
        min: 1,
        tooShort: 'use a duration above 0, e.g. 5m'
    });
    const expectedVersion = parseExpectedVersion(read(constants/* Input */.pd.ExpectedVersion), fail);
    const maxFailures = parseMaxFailures(read(constants/* Input */.pd.MaxFailures), fail);
    const minHealthyPercent = parseMinHealthy(read(constants/* Input */.pd.MinHealthyPercent), fail);
    const skipUnhealthy = boolean(constants/* Input */.pd.SkipUnhealthy, true);
    const drainRaw = read(constants/* Input */.pd.DrainTimeout);
    const drainTimeoutMs = drainRaw === '' ? undefined : duration(constants/* Input */.pd.DrainTimeout, '', { min: 0 });
    const commandTimeoutMs = duration(constants/* Input */.pd.CommandTimeout, '10m', {
        min: SECOND_MS,
        tooShort: 'use at least 1s (SSM counts whole seconds), e.g. 10m',
        tooLongWhy: 'SSM runs a command for at most 48h (172800 s)'
    });
    const onFailure = parseOnFailure(read(constants/* Input */.pd.OnFailure), fail);
    const rollbackRaw = get(constants/* Input */.pd.RollbackCommand) ?? '';
    const rollbackCommand = rollbackRaw.trim() === '' ? undefined : rollbackRaw;
    if (onFailure === 'rollback' && rollbackCommand === undefined) {
        fail(constants/* Input */.pd.RollbackCommand, '', `${constants/* Input */.pd.RollbackCommand} is empty but ${constants/* Input */.pd.OnFailure} is rollback: set ` +
            `${constants/* Input */.pd.RollbackCommand} to the script that restores the previous release, or use ` +
            `${constants/* Input */.pd.OnFailure}: halt`);
    }
    const alarms = parseAlarms(read(constants/* Input */.pd.Alarms), fail);
    const lock = boolean(constants/* Input */.pd.Lock, true);
    const dryRun = boolean(constants/* Input */.pd.DryRun, false);
    const environment = optional(constants/* Input */.pd.Environment);
    const githubToken = optional(constants/* Input */.pd.GithubToken);
    if (errors.length > 0)
        return { ok: false, errors };
    return {
        ok: true,
        settings: {
            targetGroups,
            deploy,
            batchSize,
            canaryWaitMs,
            healthPath,
            healthPort,
            healthTimeoutMs,
            expectedVersion,
            maxFailures,
            minHealthyPercent,
            skipUnhealthy,
            drainTimeoutMs,
            commandTimeoutMs,
            onFailure,
            rollbackCommand,
            alarms,
            lock,
            dryRun,
            environment,
            githubToken,
            region
        }
    };
}
function parseRegion(input, env, fail) {
    const name = constants/* Input */.pd.AwsRegion;
    const fromEnv = (key) => {
        const v = env[key]?.trim();
        return v ? { value: v, source: ` (from ${key})` } : undefined;
    };
    const found = input !== ''
        ? { value: input, source: '' }
        : (fromEnv('AWS_REGION') ?? fromEnv('AWS_DEFAULT_REGION'));
    if (found === undefined) {
        fail(name, '', `${name} is not set, nor AWS_REGION or AWS_DEFAULT_REGION: set aws-region or AWS_REGION, ` +
            'e.g. with aws-actions/configure-aws-credentials');
        return undefined;
    }
    if (!REGION.test(found.value)) {
        fail(name, found.value, `${name} ${show(found.value)}${found.source} is not an AWS region: use a region code ` +
            'such as us-east-1 or eu-west-2');
        return undefined;
    }
    return found.value;
}
function parseTargetGroups(raw, region, fail) {
    const name = constants/* Input */.pd.TargetGroups;
    const entries = unique(splitList(raw));
    if (entries.length === 0) {
        fail(name, raw, `${name} is required: list target group ARNs or names, separated by commas or newlines`);
        return [];
    }
    for (const entry of entries) {
        const arn = TG_ARN.exec(entry);
        if (arn !== null) {
            const arnRegion = arn[1] ?? '';
            // A client for one region cannot describe a target group of another: say so now, not
            // after a confusing "not found" from AWS.
            if (region !== undefined && arnRegion !== region) {
                fail(name, raw, `${name} entry ${show(entry)} is in region ${arnRegion}, not in aws-region ${region}: ` +
                    `set aws-region to ${arnRegion}, or list target groups of one region only`);
            }
            else if (!TG_NAME.test(arn[2] ?? '')) {
                fail(name, raw, `${name} entry ${show(entry)} has an invalid name part: ${TG_FORMS}`);
            }
        }
        else if (!TG_NAME.test(entry)) {
            fail(name, raw, `${name} entry ${show(entry)} is neither a target group ARN nor a name: ${TG_FORMS}`);
        }
    }
    return entries;
}
function parseDeploy(commandRaw, document, paramsRaw, fail) {
    const script = commandRaw.trim() === '' ? undefined : commandRaw;
    const params = parseDocumentParameters(paramsRaw, fail);
    if (script !== undefined && document !== '') {
        fail(constants/* Input */.pd.Document, document, `${constants/* Input */.pd.Command} and ${constants/* Input */.pd.Document} ${show(document)} are both set: use exactly one — ` +
            `${constants/* Input */.pd.Command} for a shell script, ${constants/* Input */.pd.Document} for another SSM document`);
    }
    else if (script === undefined && document === '') {
        fail(constants/* Input */.pd.Command, '', `neither ${constants/* Input */.pd.Command} nor ${constants/* Input */.pd.Document} is set: set ${constants/* Input */.pd.Command} to the shell ` +
            `script run on each host, or ${constants/* Input */.pd.Document} to the name of an SSM document`);
    }
    if (script !== undefined && params !== undefined && Object.keys(params).length > 0) {
        fail(constants/* Input */.pd.DocumentParameters, paramsRaw, `${constants/* Input */.pd.DocumentParameters} ${show(paramsRaw)} only applies to ${constants/* Input */.pd.Document}, but ` +
            `${constants/* Input */.pd.Command} is set: remove ${constants/* Input */.pd.DocumentParameters}, or use ${constants/* Input */.pd.Document}`);
    }
    if (document !== '' && !DOCUMENT_NAME.test(document)) {
        fail(constants/* Input */.pd.Document, document, `${constants/* Input */.pd.Document} ${show(document)} is not an SSM document name: use a name or ARN of ` +
            '3–200 letters, digits and _ - . : /, e.g. AWS-RunShellScript');
    }
    if (script !== undefined)
        return { kind: 'command', script };
    return { kind: 'document', name: document, parameters: params ?? {} };
}
/** undefined when invalid (the error is already recorded). */
function parseDocumentParameters(raw, fail) {
    const name = constants/* Input */.pd.DocumentParameters;
    if (raw === '')
        return {};
    let parsed;
    try {
        parsed = JSON.parse(raw);
    }
    catch (e) {
        const why = e instanceof Error ? ` (${e.message.replace(/\s+/g, ' ')})` : '';
        fail(name, raw, `${name} ${show(raw)} is not valid JSON${why}: use a JSON object such as ${PARAMS_EXAMPLE}`);
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        fail(name, raw, `${name} ${show(raw)} is not a JSON object: use an object of parameter names to strings ` +
            `or lists of strings, such as ${PARAMS_EXAMPLE}`);
        return undefined;
    }
    const out = {};
    let valid = true;
    for (const [key, value] of Object.entries(parsed)) {
        if (key.trim() === '') {
            fail(name, raw, `${name} ${show(raw)} has an empty parameter name: name every parameter`);
            valid = false;
        }
        else if (typeof value === 'string') {
            out[key] = [value];
        }
        else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
            out[key] = value;
        }
        else {
            const kind = Array.isArray(value) ? 'a list with non-string items' : `a ${jsonKind(value)}`;
            fail(name, raw, `${name} parameter ${show(key)} is ${kind}: SSM takes a string or a list of strings; ` +
                `quote the value, e.g. {${JSON.stringify(key)}: ["3600"]}`);
            valid = false;
        }
    }
    return valid ? out : undefined;
}
function jsonKind(value) {
    if (value === null)
        return 'null';
    return typeof value === 'object' ? 'object' : typeof value;
}
function parseBatchSize(raw, fail) {
    const name = constants/* Input */.pd.BatchSize;
    if (raw === '')
        return [{ kind: 'count', value: 1 }];
    const entries = splitList(raw);
    if (entries.length === 0) {
        fail(name, raw, `${name} ${show(raw)} is invalid: ${BATCH_FORMS}`);
        return [];
    }
    const sizes = [];
    for (const entry of entries) {
        const count = parseCount(entry);
        const percent = parsePercent(entry);
        if (count !== undefined && count >= 1) {
            sizes.push({ kind: 'count', value: count });
        }
        else if (percent !== undefined && percent > 0 && percent <= 100) {
            sizes.push({ kind: 'percent', value: percent });
        }
        else if (entries.length === 1) {
            fail(name, raw, `${name} ${show(raw)} is invalid: ${BATCH_FORMS}`);
        }
        else {
            fail(name, raw, `${name} ${show(raw)} has an invalid entry ${show(entry)}: ${BATCH_FORMS}`);
        }
    }
    return sizes;
}
function parseMaxFailures(raw, fail) {
    const name = constants/* Input */.pd.MaxFailures;
    if (raw === '')
        return { kind: 'count', value: 0 };
    const count = parseCount(raw);
    if (count !== undefined)
        return { kind: 'count', value: count };
    const percent = parsePercent(raw);
    if (percent !== undefined && percent <= 100)
        return { kind: 'percent', value: percent };
    fail(name, raw, `${name} ${show(raw)} is invalid: use a count ≥ 0 (2) or a percent of the fleet 0–100 (10%)`);
    return { kind: 'count', value: 0 };
}
function parseMinHealthy(raw, fail) {
    const name = constants/* Input */.pd.MinHealthyPercent;
    if (raw === '')
        return 50;
    const n = parseDecimal(raw.replace(/\s*%$/, ''));
    if (n !== undefined && n <= 100)
        return n;
    fail(name, raw, `${name} ${show(raw)} is invalid: use a percent from 0 to 100, e.g. 50`);
    return 50;
}
function parseHealthPath(raw, fail) {
    const name = constants/* Input */.pd.HealthPath;
    if (raw === '')
        return undefined;
    if (!raw.startsWith('/')) {
        fail(name, raw, `${name} ${show(raw)} does not start with /: use a path such as /health`);
    }
    else if (WHITESPACE_OR_CONTROL.test(raw)) {
        fail(name, raw, `${name} ${show(raw)} contains whitespace or a control character: use a path without ` +
            'them, percent-encoded where needed (%20 for a space)');
    }
    else if (raw.length > MAX_HEALTH_PATH) {
        fail(name, raw, `${name} ${show(raw)} is longer than ${MAX_HEALTH_PATH} characters: use a shorter path`);
    }
    return raw;
}
function parseHealthPort(raw, fail) {
    const name = constants/* Input */.pd.HealthPort;
    if (raw === '')
        return undefined;
    if (raw.toLowerCase() === 'traffic-port')
        return 'traffic-port';
    const port = parseCount(raw);
    if (port !== undefined && port >= 1 && port <= 65535)
        return port;
    fail(name, raw, `${name} ${show(raw)} is invalid: use traffic-port or a port number from 1 to 65535`);
    return undefined;
}
function parseExpectedVersion(raw, fail) {
    const name = constants/* Input */.pd.ExpectedVersion;
    if (raw === '')
        return undefined;
    if (CONTROL.test(raw)) {
        fail(name, raw, `${name} ${show(raw)} contains a newline or control character: use the single-line ` +
            'version the health endpoint reports, e.g. 1.4.2 or a commit SHA');
    }
    else if (Array.from(raw).length > MAX_EXPECTED_VERSION) {
        fail(name, raw, `${name} ${show(raw)} is longer than ${MAX_EXPECTED_VERSION} characters: use the ` +
            'version the health endpoint reports, e.g. 1.4.2 or a commit SHA');
    }
    return raw;
}
function parseOnFailure(raw, fail) {
    const name = constants/* Input */.pd.OnFailure;
    const word = raw.toLowerCase();
    if (word === '' || word === 'halt')
        return 'halt';
    if (word === 'rollback')
        return 'rollback';
    fail(name, raw, `${name} ${show(raw)} is invalid: use halt or rollback`);
    return 'halt';
}
function parseAlarms(raw, fail) {
    const name = constants/* Input */.pd.Alarms;
    const alarms = unique(splitList(raw));
    for (const alarm of alarms) {
        if (Array.from(alarm).length > MAX_ALARM_NAME) {
            fail(name, raw, `${name} entry ${show(alarm)} is longer than ${MAX_ALARM_NAME} characters: use alarm ` +
                'names as CloudWatch shows them (at most 255 characters), separated by commas or newlines');
        }
    }
    return alarms;
}

// EXTERNAL MODULE: ../main/node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var dist_cjs = __webpack_require__(7498);
// EXTERNAL MODULE: ../main/node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(8531);
// EXTERNAL MODULE: ../main/node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js
var client_cloudwatch_dist_cjs = __webpack_require__(8485);
;// CONCATENATED MODULE: ./src/aws/clients.ts
// SDK clients configured once: adaptive retry (client-side rate limiting against ELB's and
// SSM's token buckets) and request/connection timeouts, so no hung call can hang the job.




const CLIENT_CONFIG = {
    retryMode: 'adaptive',
    maxAttempts: 8,
    // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when
    // requestTimeout passes and lets the call hang on.
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000, throwOnRequestTimeout: true }
};
function createClients(region) {
    const config = { ...CLIENT_CONFIG, region, customUserAgent: constants/* USER_AGENT */._O };
    const clients = {
        elb: new dist_cjs/* ElasticLoadBalancingV2Client */.MlD(config),
        ssm: new client_ssm_dist_cjs/* SSMClient */.jBj(config),
        cloudwatch: new client_cloudwatch_dist_cjs/* CloudWatchClient */.WBn(config)
    };
    // The SDK's logger middleware copies every input and output through its sensitive-data filter
    // even for its no-op logger: at 10,000 hosts that copy of each DescribeTargetHealth answer was
    // 15% of everything the run allocated. The action logs through @actions/core, not the SDK.
    for (const c of Object.values(clients))
        c.middlewareStack.remove('loggerMiddleware');
    return clients;
}

;// CONCATENATED MODULE: ./src/rollout/types.ts
// The rollout's record of each host and of the run: what the report, the summary, the
// post step and the tests read.
/** A problem with what the user asked for (unknown target group, empty fleet, ...). */
class ConfigError extends Error {
    name = 'ConfigError';
}

;// CONCATENATED MODULE: ./src/aws/errors.ts
// Which AWS errors are worth waiting out. The SDK's adaptive retry handles short bursts; these
// are what still reach the rollout once the SDK gives up, and they must never become host failures.
const THROTTLING = new Set([
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'RequestThrottled',
    'RequestThrottledException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'BandwidthLimitExceeded',
    'SlowDown',
    'PriorRequestNotComplete',
    'EC2ThrottledException',
    // SSM PutParameter/DeleteParameter (the lock) when updates to one parameter collide.
    'TooManyUpdates'
]);
const TRANSIENT_NETWORK = new Set([
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ECONNABORTED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN'
]);
function isThrottling(err) {
    const e = err;
    return (!!e &&
        (THROTTLING.has(e.name ?? '') ||
            e.$retryable?.throttling === true ||
            e.$metadata?.httpStatusCode === 429));
}
/** Throttling, 5xx and network faults: retry them; never blame a host for them. */
function isTransient(err) {
    if (!err || typeof err !== 'object')
        return false;
    const e = err;
    if (isThrottling(e))
        return true;
    if (e.$retryable)
        return true;
    if (e.$fault === 'server')
        return true;
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (status >= 500)
        return true;
    return TRANSIENT_NETWORK.has(e.name ?? '') || TRANSIENT_NETWORK.has(e.code ?? '');
}
function errorName(err) {
    const e = err;
    return e?.name ?? 'Error';
}
function errorMessage(err) {
    if (err instanceof Error)
        return err.message;
    return String(err);
}

;// CONCATENATED MODULE: ./src/aws/elb.ts
// ELBv2 behind the LoadBalancer port: target groups, their targets' health, (de)registration.



const ARN = /^arn:aws[a-z-]*:elasticloadbalancing:/;
/** DescribeTargetGroups takes at most 20 names (or ARNs) per call. */
const PER_CALL = 20;
/** An unknown target group, or a name ELB rejects (too long, bad characters). */
const isNotFound = (err) => errorName(err) === 'TargetGroupNotFoundException' || errorName(err) === 'ValidationError';
function notFound(refs, why = []) {
    const list = refs.map((r) => `"${r}"`).join(', ');
    const detail = why.length > 0 ? ` (${why.join('; ')})` : '';
    return new ConfigError(`target-groups: target group ${list} ${refs.length > 1 ? 'were' : 'was'} not found${detail}. ` +
        'Check the names or ARNs in target-groups and the region (aws-region).');
}
class ElbLoadBalancer {
    client;
    constructor(client) {
        this.client = client;
    }
    async resolveTargetGroups(refs) {
        const arns = refs.filter((r) => ARN.test(r));
        const names = refs.filter((r) => !ARN.test(r));
        const found = [];
        for (let i = 0; i < arns.length; i += PER_CALL) {
            found.push(...(await this.describeOrName({ TargetGroupArns: arns.slice(i, i + PER_CALL) })));
        }
        for (let i = 0; i < names.length; i += PER_CALL) {
            found.push(...(await this.describeOrName({ Names: names.slice(i, i + PER_CALL) })));
        }
        const groups = [];
        for (const ref of refs) {
            const tg = found.find((g) => g.TargetGroupArn === ref || g.TargetGroupName === ref);
            if (!tg?.TargetGroupArn)
                throw notFound([ref]);
            if (groups.some((g) => g.arn === tg.TargetGroupArn))
                continue;
            groups.push(await this.withAttributes(tg));
        }
        return groups;
    }
    async describeTargets(group, targets) {
        if (!targets?.length)
            return this.describeHealth(group.arn);
        try {
            return await this.describeHealth(group.arn, targets);
        }
        catch (err) {
            // Naming an instance that no longer exists (terminated mid-drain, say) fails the whole call
            // with InvalidTarget: read the whole group instead, where such a target is simply absent.
            if (errorName(err) !== 'InvalidTarget')
                throw err;
            const all = await this.describeHealth(group.arn);
            const wanted = new Set(targets.map((t) => `${t.instanceId}:${t.port}`));
            const seen = all.filter((t) => wanted.has(`${t.instanceId}:${t.port}`));
            const found = new Set(seen.map((t) => `${t.instanceId}:${t.port}`));
            const gone = targets
                .filter((t) => !found.has(`${t.instanceId}:${t.port}`))
                .map((t) => ({ ...t, state: 'unused', reason: 'Target.NotRegistered' }));
            return [...seen, ...gone];
        }
    }
    async describeHealth(arn, targets) {
        const out = await this.client.send(new dist_cjs/* DescribeTargetHealthCommand */.qyg({
            TargetGroupArn: arn,
            Targets: targets ? toTargets(targets) : undefined
        }));
        return (out.TargetHealthDescriptions ?? []).flatMap((d) => {
            const id = d.Target?.Id;
            if (!id)
                return [];
            return [
                {
                    instanceId: id,
                    port: d.Target?.Port ?? 0,
                    state: (d.TargetHealth?.State ?? 'unavailable'),
                    reason: d.TargetHealth?.Reason,
                    description: d.TargetHealth?.Description
                }
            ];
        });
    }
    async deregister(targetGroupArn, targets) {
        if (targets.length === 0)
            return;
        await this.client.send(new dist_cjs/* DeregisterTargetsCommand */.Atx({ TargetGroupArn: targetGroupArn, Targets: toTargets(targets) }));
    }
    async register(targetGroupArn, targets) {
        if (targets.length === 0)
            return;
        await this.client.send(new dist_cjs/* RegisterTargetsCommand */.PE6({ TargetGroupArn: targetGroupArn, Targets: toTargets(targets) }));
    }
    async describe(input) {
        const groups = [];
        for await (const page of (0,dist_cjs/* paginateDescribeTargetGroups */.u_3)({ client: this.client }, input)) {
            groups.push(...(page.TargetGroups ?? []));
        }
        return groups;
    }
    /**
     * One DescribeTargetGroups call for up to 20 refs. ELB fails the whole call when any of them
     * is unknown ("One or more target groups not found") without saying which: then each ref is
     * looked up on its own, so the error names every missing one.
     */
    async describeOrName(input) {
        try {
            return await this.describe(input);
        }
        catch (err) {
            if (!isNotFound(err))
                throw err;
        }
        const refs = 'Names' in input ? input.Names : input.TargetGroupArns;
        const found = [];
        const missing = [];
        const why = [];
        for (const ref of refs) {
            try {
                found.push(...(await this.describe('Names' in input ? { Names: [ref] } : { TargetGroupArns: [ref] })));
            }
            catch (err) {
                if (!isNotFound(err))
                    throw err;
                missing.push(ref);
                if (errorName(err) === 'ValidationError')
                    why.push(errorMessage(err));
            }
        }
        if (missing.length > 0)
            throw notFound(missing, why);
        return found;
    }
    async withAttributes(tg) {
        const attrs = await this.client.send(new dist_cjs/* DescribeTargetGroupAttributesCommand */.cKh({ TargetGroupArn: tg.TargetGroupArn }));
        const delay = attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds');
        return {
            arn: tg.TargetGroupArn,
            name: tg.TargetGroupName ?? tg.TargetGroupArn,
            targetType: tg.TargetType ?? 'instance',
            healthCheckPath: tg.HealthCheckPath,
            healthCheckPort: tg.HealthCheckPort ?? 'traffic-port',
            healthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
            healthyThresholdCount: tg.HealthyThresholdCount ?? 5,
            // AWS's documented default when the attribute is absent.
            deregistrationDelaySeconds: delay?.Value !== undefined ? Number(delay.Value) : 300
        };
    }
}
const toTargets = (targets) => targets.map((t) => ({ Id: t.instanceId ?? '', Port: t.port }));

;// CONCATENATED MODULE: ./src/aws/ssm.ts
// SSM Run Command behind the CommandRunner port.

/** SendCommand's documented limit on InstanceIds. */
const MAX_INSTANCES_PER_COMMAND = 50;
class SsmCommandRunner {
    client;
    constructor(client) {
        this.client = client;
    }
    async send(instanceIds, spec) {
        const sent = [];
        for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
            const out = await this.client.send(new client_ssm_dist_cjs/* SendCommandCommand */.VWR({
                InstanceIds: chunk,
                DocumentName: spec.documentName,
                Parameters: spec.parameters,
                // Every host gets the command and is judged on its own: with SSM's defaults
                // (MaxErrors 0) one failed invocation would stop delivery to the rest.
                MaxConcurrency: '100%',
                MaxErrors: '100%',
                TimeoutSeconds: spec.deliveryTimeoutSeconds,
                Comment: spec.comment.slice(0, 100)
            }));
            sent.push({ commandId: out.Command?.CommandId ?? '', instanceIds: chunk });
        }
        return sent;
    }
    async invocations(commandId) {
        const all = [];
        const pages = (0,client_ssm_dist_cjs/* paginateListCommandInvocations */.ayw)({ client: this.client }, { CommandId: commandId, Details: true, MaxResults: MAX_INSTANCES_PER_COMMAND });
        for await (const page of pages) {
            for (const inv of page.CommandInvocations ?? []) {
                if (!inv.InstanceId)
                    continue;
                const plugins = inv.CommandPlugins ?? [];
                const codes = plugins.flatMap((p) => (p.ResponseCode === undefined ? [] : [p.ResponseCode]));
                all.push({
                    instanceId: inv.InstanceId,
                    status: invocationStatus(inv.Status, inv.StatusDetails),
                    statusDetails: inv.StatusDetails,
                    // The failing plugin's code when there is one (a multi-step document), else the first.
                    responseCode: codes.find((c) => c !== 0) ?? codes[0],
                    output: plugins
                        .map((p) => p.Output ?? '')
                        .filter(Boolean)
                        .join('\n')
                });
            }
        }
        return all;
    }
    async output(commandId, instanceId) {
        const out = await this.client.send(new client_ssm_dist_cjs/* GetCommandInvocationCommand */.ryN({ CommandId: commandId, InstanceId: instanceId }));
        return { stdout: out.StandardOutputContent ?? '', stderr: out.StandardErrorContent ?? '' };
    }
    async cancel(commandId, instanceIds) {
        await this.client.send(new client_ssm_dist_cjs/* CancelCommandCommand */.tal({ CommandId: commandId, InstanceIds: instanceIds }));
    }
    async pingStatus(instanceIds) {
        const status = new Map();
        for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
            const pages = (0,client_ssm_dist_cjs/* paginateDescribeInstanceInformation */.KKC)({ client: this.client }, { Filters: [{ Key: 'InstanceIds', Values: chunk }] });
            for await (const page of pages) {
                for (const info of page.InstanceInformationList ?? []) {
                    if (info.InstanceId)
                        status.set(info.InstanceId, (info.PingStatus ?? 'Unknown'));
                }
            }
        }
        return status;
    }
}
/**
 * SSM reports Undeliverable, DeliveryTimedOut, InvalidPlatform, AccessDenied and Terminated only
 * in StatusDetails (Status then reads Failed or TimedOut); the port wants the precise one.
 * The docs spell some with spaces ("Delivery Timed Out"): compared without them.
 */
const DETAILED = new Set([
    'Undeliverable',
    'DeliveryTimedOut',
    'InvalidPlatform',
    'AccessDenied',
    'Terminated'
]);
function invocationStatus(status, details) {
    const detail = (details ?? '').replace(/\s+/g, '');
    if (DETAILED.has(detail))
        return detail;
    return status ?? 'Pending';
}
function chunks(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size)
        out.push(items.slice(i, i + size));
    return out;
}

;// CONCATENATED MODULE: ./src/aws/cloudwatch.ts
// CloudWatch alarms behind the AlarmSource port.


/** DescribeAlarms takes at most 100 alarm names per call. */
const NAMES_PER_CALL = 100;
class CloudWatchAlarms {
    client;
    constructor(client) {
        this.client = client;
    }
    async firing(alarmNames) {
        return (await this.describe(alarmNames)).firing;
    }
    /** One read of every named alarm: DescribeAlarms answers only for alarms that exist. */
    async describe(alarmNames) {
        const firing = [];
        const found = new Set();
        for (const names of chunks(alarmNames, NAMES_PER_CALL)) {
            const pages = (0,client_cloudwatch_dist_cjs/* paginateDescribeAlarms */.hNb)({ client: this.client }, { AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
            for await (const page of pages) {
                for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
                    if (!a.AlarmName)
                        continue;
                    found.add(a.AlarmName);
                    if (a.StateValue === 'ALARM')
                        firing.push(a.AlarmName);
                }
            }
        }
        return { firing, missing: alarmNames.filter((n) => !found.has(n)) };
    }
}

;// CONCATENATED MODULE: ./src/aws/adapters.ts
// The AWS side of every port the rollout talks to, built from SDK clients.



function awsPorts(clients) {
    return {
        lb: new ElbLoadBalancer(clients.elb),
        runner: new SsmCommandRunner(clients.ssm),
        alarms: new CloudWatchAlarms(clients.cloudwatch)
    };
}

;// CONCATENATED MODULE: ./src/aws/lock-store.ts
// SSM Parameter Store behind the LockStore port: create-if-absent is PutParameter with
// Overwrite=false, which fails with ParameterAlreadyExists when another run holds the lock.


class SsmLockStore {
    client;
    constructor(client) {
        this.client = client;
    }
    async create(name, value) {
        try {
            await this.put(name, value, false);
            return true;
        }
        catch (err) {
            if (errorName(err) === 'ParameterAlreadyExists')
                return false;
            throw err;
        }
    }
    async read(name) {
        try {
            const out = await this.client.send(new client_ssm_dist_cjs/* GetParameterCommand */.lhy({ Name: name }));
            return out.Parameter?.Value;
        }
        catch (err) {
            if (errorName(err) === 'ParameterNotFound')
                return undefined;
            throw err;
        }
    }
    async overwrite(name, value) {
        await this.put(name, value, true);
    }
    async delete(name) {
        try {
            await this.client.send(new client_ssm_dist_cjs/* DeleteParameterCommand */.Obs({ Name: name }));
        }
        catch (err) {
            if (errorName(err) !== 'ParameterNotFound')
                throw err;
        }
    }
    async put(name, value, overwrite) {
        await this.client.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
            Name: name,
            Value: value,
            Type: 'String',
            Overwrite: overwrite,
            Description: 'rolling-deploy: a run holds this target group; deleted when it ends'
        }));
    }
}

;// CONCATENATED MODULE: ./src/rollout/clock.ts
// Time is injected: the real clock on a runner, a virtual one in tests, so hours of rollout
// run in milliseconds and nothing in a test sleeps.
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    })
};

;// CONCATENATED MODULE: ./src/settings.ts
// The one typed shape every input is parsed into (see inputs.ts). Everything after
// validation reads Settings, never the raw INPUT_* strings.
/** Resolves an Amount against the fleet size: percents round up, never below 1 when positive. */
function resolveAmount(amount, fleetSize) {
    if (amount.kind === 'count')
        return amount.value;
    if (amount.value <= 0)
        return 0;
    return Math.max(1, Math.ceil((amount.value * fleetSize) / 100));
}

;// CONCATENATED MODULE: ./src/fleet/discover.ts
// Target groups → hosts. One host per EC2 instance, however many groups and ports it is in.

/** Registrations in these states are leaving or gone: they are not part of the fleet. */
const NOT_IN_FLEET = new Set(['draining', 'unused']);
async function discoverFleet(lb, refs) {
    const groups = await lb.resolveTargetGroups(refs);
    // The adapter should throw for an unknown group; this guards against one that just leaves it out.
    const missing = refs.filter((ref) => !groups.some((g) => g.arn === ref || g.name === ref));
    if (missing.length > 0) {
        throw new ConfigError(`target-groups: ${missing.map((r) => `"${r}"`).join(', ')} not found. ` +
            'Check the names or ARNs in target-groups and the region (aws-region).');
    }
    const wrongType = groups.filter((g) => g.targetType !== 'instance');
    if (wrongType.length > 0) {
        throw new ConfigError(`target-groups: ${wrongType.map((g) => `"${g.name}" has target type ${g.targetType}`).join(', ')}; ` +
            'rolling-deploy runs commands on EC2 instances through SSM, so only target groups of type instance can be used.');
    }
    const health = await describeAll(lb, groups);
    const hosts = hostsOf(groups, health);
    if (hosts.length === 0) {
        throw new ConfigError(`target-groups: no EC2 instance is registered in ${groups.map((g) => g.name).join(', ')}; ` +
            'register the instances (or check the target group names) before deploying.');
    }
    return { groups, hosts, health };
}
/** One DescribeTargetHealth per group: the whole fleet's health in as many calls as groups. */
async function describeAll(lb, groups) {
    const entries = await Promise.all(groups.map(async (g) => [g.arn, await lb.describeTargets(g)]));
    return new Map(entries);
}
function hostsOf(groups, health) {
    const byId = new Map();
    for (const g of groups) {
        for (const t of health.get(g.arn) ?? []) {
            if (NOT_IN_FLEET.has(t.state))
                continue;
            let host = byId.get(t.instanceId);
            if (!host) {
                host = { instanceId: t.instanceId, registrations: [] };
                byId.set(t.instanceId, host);
            }
            host.registrations.push({ targetGroupArn: g.arn, port: t.port });
        }
    }
    return [...byId.values()];
}

;// CONCATENATED MODULE: ./src/plan.ts
// Batches and the capacity guard. Pure arithmetic: no AWS, no clock.

/** Hosts that must stay healthy and in service during every batch: ceil(percent × fleet / 100). */
function minInService(minHealthyPercent, fleetSize) {
    return Math.ceil((minHealthyPercent * fleetSize) / 100);
}
/** The planned size of batch `index` (0-based): the list's last entry repeats. */
function batchSizeAt(sizes, index, fleetSize) {
    const entry = sizes[Math.min(index, sizes.length - 1)] ?? { kind: 'count', value: 1 };
    return Math.max(1, resolveAmount(entry, fleetSize));
}
/** How many hosts may be out at once given how many are in service now. */
function capacityAllowance(inService, minimum) {
    return inService - minimum;
}
/** Each group's members as a set, built once per list: membership tests stay O(1) on 10,000 hosts. */
const memberSets = new WeakMap();
function isMember(g, id) {
    let set = memberSets.get(g.members);
    if (!set) {
        set = new Set(g.members);
        memberSets.set(g.members, set);
    }
    return set.has(id);
}
/**
 * Up to `size` of the candidates (each in service now), in order, such that no target group is
 * left with fewer than min-healthy-percent of its own hosts in service while they are out: a
 * group whose only healthy targets went out together would drop every request sent to it. A
 * candidate that would break a group is left for a later batch.
 */
function pickBatch(candidates, size, groups, minHealthyPercent) {
    const out = new Map();
    const picked = [];
    let blocked;
    for (const id of candidates) {
        if (picked.length >= size)
            break;
        const why = groupBlock(id, groups, out, minHealthyPercent);
        if (why) {
            blocked ??= why;
            continue;
        }
        takeOut(id, groups, out);
        picked.push(id);
    }
    return { picked, blocked };
}
/**
 * Why taking `id` out as well would leave one of its target groups with fewer than
 * min-healthy-percent of its hosts in service (`out`: hosts of each group already taken out for
 * this batch); undefined when it would not.
 */
function groupBlock(id, groups, out, minHealthyPercent) {
    const breaks = groups.find((g) => isMember(g, id) &&
        g.inService - (out.get(g) ?? 0) - 1 < minInService(minHealthyPercent, g.members.length));
    if (!breaks)
        return undefined;
    const left = breaks.inService - (out.get(breaks) ?? 0) - 1;
    const min = minInService(minHealthyPercent, breaks.members.length);
    // A group too small to ever spare a host needs the user's decision, not patience.
    const fix = breaks.members.length - min < 1
        ? `; ${breaks.name} has too few hosts to take any out at this min-healthy-percent: add hosts, or set min-healthy-percent: 0 to accept it going dark`
        : '';
    return `taking out ${id} would leave ${breaks.name} with ${left} of ${breaks.members.length} host(s) in service, ${min} must stay in service (min-healthy-percent ${minHealthyPercent})${fix}`;
}
/** Counts `id` as taken out of each of its groups. */
function takeOut(id, groups, out) {
    for (const g of groups)
        if (isMember(g, id))
            out.set(g, (out.get(g) ?? 0) + 1);
}
/**
 * The batches as they will run if nothing fails: the eligible hosts in order, each batch as big
 * as batch-size asks but never so big that fewer than minInService hosts stay in service, nor
 * so that a target group keeps fewer than min-healthy-percent of its own hosts (`groups`).
 */
function planBatches(sizes, eligible, fleetSize, minHealthyPercent, inService = eligible.length, groups = []) {
    const minimum = minInService(minHealthyPercent, fleetSize);
    const allowance = capacityAllowance(inService, minimum);
    const batches = [];
    const notes = [];
    let rest = eligible;
    while (rest.length > 0) {
        const asked = batchSizeAt(sizes, batches.length, fleetSize);
        const size = Math.max(1, Math.min(asked, allowance, rest.length));
        const n = batches.length + 1;
        if (size < Math.min(asked, rest.length)) {
            notes.push(`batch ${n}: ${size} instead of ${asked} host(s), so that ${minimum} of ${fleetSize} stay in service (min-healthy-percent)`);
        }
        const { blocked, ...pick } = pickBatch(rest, size, groups, minHealthyPercent);
        let picked = pick.picked;
        if (picked.length === 0) {
            // Nothing fits: the run will wait for capacity before this batch, and may stop there.
            picked = rest.slice(0, 1);
            notes.push(`batch ${n}: ${blocked}; the run will wait for capacity to recover`);
        }
        else if (blocked && picked.length < size) {
            notes.push(`batch ${n}: ${picked.length} instead of ${size} host(s): ${blocked}`);
        }
        batches.push(picked);
        const taken = new Set(picked);
        rest = rest.filter((id) => !taken.has(id));
    }
    if (allowance < 1 && eligible.length > 0) {
        notes.push(`only ${inService} host(s) are in service and ${minimum} must stay in service: no host can be taken out until more recover (min-healthy-percent)`);
    }
    return { batches, fleetSize, minInService: minimum, notes };
}

;// CONCATENATED MODULE: ./src/report/format.ts
// Human-readable durations and times for logs, reasons and the summary.
function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return '-';
    const s = Math.round(ms / 1000);
    if (s < 60)
        return `${s}s`;
    const m = Math.floor(s / 60);
    const rest = s % 60;
    if (m < 60)
        return rest ? `${m}m${rest}s` : `${m}m`;
    const h = Math.floor(m / 60);
    const mm = m % 60;
    return mm ? `${h}h${mm}m` : `${h}h`;
}
const isoTime = (ms) => ms === undefined ? null : new Date(ms).toISOString();

;// CONCATENATED MODULE: ./src/rollout/host-book.ts
// The rollout's ledger: one record per host, changed only through here so every change reaches
// the journal (onChange) that the post step reads after a cancel.
class HostBook {
    clock;
    onChange;
    records;
    byId = new Map();
    constructor(hosts, clock, onChange) {
        this.clock = clock;
        this.onChange = onChange;
        this.records = hosts.map((h) => ({
            instanceId: h.instanceId,
            registrations: h.registrations,
            batch: null,
            state: 'pending',
            step: 'discover',
            outOfService: false,
            commandSent: false
        }));
        for (const r of this.records)
            this.byId.set(r.instanceId, r);
    }
    get(id) {
        const r = this.byId.get(id);
        if (!r)
            throw new Error(`unknown host ${id}`);
        return r;
    }
    update(hosts, patch) {
        const list = Array.isArray(hosts) ? hosts : [hosts];
        if (list.length === 0)
            return;
        for (const h of list)
            Object.assign(h, patch);
        this.onChange?.(this.records);
    }
    /** Ends a host's run (and the cycle it was in) in a final state, with where and why. */
    finish(host, state, patch = {}) {
        this.update(host, { cycle: undefined, ...patch, state, finishedAt: this.clock.now() });
    }
    fail(host, step, reason, patch = {}) {
        this.finish(host, 'failed', { ...patch, step, reason });
    }
    inState(state) {
        return this.records.filter((r) => r.state === state);
    }
    count(state) {
        return this.inState(state).length;
    }
    get size() {
        return this.records.length;
    }
}

;// CONCATENATED MODULE: ./src/rollout/poll.ts
// The one place the rollout waits. The SDK waiters poll every 15 s at least, which adds minutes
// to a rollout; this poller looks right after what the wait is expected to take (a deregistration
// delay, a health-check threshold), then at 1 s growing to a few seconds with jitter, or paced to
// the time waited so far when the length is unknown (a deploy).
// Transient AWS errors during a wait only mean "not yet": they are never a verdict.

const POLL_DEFAULTS = {
    minDelayMs: 1000,
    maxDelayMs: 3000,
    growth: 1.5,
    jitter: 0.2,
    transientGraceMs: 5 * 60_000
};
/** How long after the expected time the first check comes (see until). */
const EXPECTED_MARGIN_MS = 250;
class Poller {
    clock;
    random;
    signal;
    watcher;
    watchedAt = -Infinity;
    constructor(clock, random = Math.random, signal) {
        this.clock = clock;
        this.random = random;
        this.signal = signal;
    }
    /** Installs (or removes) the watch every wait runs; it counts as just run. */
    setWatch(watch) {
        this.watcher = watch;
        this.watchedAt = this.clock.now();
    }
    /** Runs the watch now (a wait that reads the same thing itself calls this and passes watch: false). */
    async watchNow() {
        if (!this.watcher)
            return;
        this.watchedAt = this.clock.now();
        await this.watcher.run();
    }
    get cancelled() {
        return this.signal?.aborted ?? false;
    }
    /** Calls check until it returns a value, the timeout passes, or the run is cancelled. */
    async until(check, opts) {
        const min = opts.minDelayMs ?? POLL_DEFAULTS.minDelayMs;
        const max = Math.max(min, opts.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs);
        const deadline = this.clock.now() + opts.timeoutMs;
        const graceEnd = deadline + (opts.transientGraceMs ?? POLL_DEFAULTS.transientGraceMs);
        const start = this.clock.now();
        let delay = min;
        let wait = Math.max(min, opts.expectedMs ?? min);
        let transient;
        // The expected time is when the condition can first hold (a deregistration delay, a health
        // threshold): check right after it, not up to 20% later (jitter); a check a moment too early
        // would cost a whole poll interval, hence the margin. Only the polls after it are jittered.
        let exact = opts.expectedMs !== undefined && opts.expectedMs > 0;
        if (exact)
            wait += EXPECTED_MARGIN_MS;
        for (;;) {
            const remaining = deadline - this.clock.now();
            // Past the deadline only to get an answer through throttling: keep the normal pace.
            const ms = remaining > 0 || transient ? (exact ? wait : this.jittered(wait)) : 0;
            exact = false;
            await this.pause(remaining > 0 ? Math.min(ms, remaining) : ms, opts.watch !== false);
            if (this.cancelled)
                return { status: 'cancelled' };
            const outcome = await this.attempt(check);
            if (outcome.value !== undefined)
                return { status: 'done', value: outcome.value };
            transient = outcome.transient;
            const now = this.clock.now();
            if (now >= deadline && !transient)
                return { status: 'timeout' };
            if (now >= graceEnd && transient)
                throw transient.error;
            if (opts.paceFraction !== undefined) {
                wait = Math.min(max, Math.max(min, (now - start) * opts.paceFraction));
            }
            else {
                wait = delay;
                delay = Math.min(max, delay * POLL_DEFAULTS.growth);
            }
        }
    }
    /** Runs fn now, retrying transient errors (throttling, 5xx) until the timeout; others throw. */
    async retry(fn, timeoutMs) {
        const deadline = this.clock.now() + timeoutMs;
        let delay = POLL_DEFAULTS.minDelayMs;
        for (;;) {
            try {
                return await fn();
            }
            catch (err) {
                if (!isTransient(err) || this.clock.now() >= deadline)
                    throw err;
            }
            await this.clock.sleep(this.jittered(delay));
            delay = Math.min(POLL_DEFAULTS.maxDelayMs * 4, delay * 2);
        }
    }
    /** Sleeps ms; with a watch, in slices so the watch runs every everyMs meanwhile. */
    async pause(ms, watching) {
        const watch = watching ? this.watcher : undefined;
        if (!watch)
            return this.clock.sleep(ms, this.signal);
        const end = this.clock.now() + ms;
        for (;;) {
            if (this.cancelled)
                return;
            if (this.clock.now() - this.watchedAt >= watch.everyMs)
                await this.watchNow();
            const left = end - this.clock.now();
            if (left <= 0)
                return;
            await this.clock.sleep(Math.min(left, this.watchedAt + watch.everyMs - this.clock.now()), this.signal);
        }
    }
    /** Sleeps, waking early on cancellation. */
    async sleep(ms) {
        await this.clock.sleep(ms, this.signal);
    }
    async attempt(check) {
        try {
            return { value: await check() };
        }
        catch (err) {
            if (isTransient(err))
                return { transient: { error: err } };
            throw err;
        }
    }
    jittered(ms) {
        const j = POLL_DEFAULTS.jitter;
        return Math.round(ms * (1 - j + 2 * j * this.random()));
    }
}

;// CONCATENATED MODULE: ./src/rollout/rate.ts
// A client-side token bucket on the injected clock: the rollout waits for a token instead of
// sending a call AWS would throttle. SSM's rates are account-wide and shared with every other
// caller, so the rollout keeps to a fraction of them. The SDK's adaptive retry mode has a rate
// limiter too, but it switches on only after a call was throttled and then slows every call of
// the client; this one keeps the known bursts (a poll of 20 commands) from being throttled at all.
class RateLimiter {
    clock;
    capacity;
    perSecond;
    tokens;
    last;
    constructor(clock, capacity, perSecond) {
        this.clock = clock;
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.tokens = capacity;
        this.last = clock.now();
    }
    /** Resolves when a call may be made (at once while the burst lasts). */
    async take() {
        for (;;) {
            const now = this.clock.now();
            this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
            this.last = now;
            if (this.tokens >= 1) {
                this.tokens -= 1;
                return;
            }
            await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
        }
    }
}

;// CONCATENATED MODULE: ./src/rollout/load-balancer.ts
// Taking hosts out of and back into every target group they belong to, and waiting for the
// load balancer to agree. One DescribeTargetHealth per group per poll, never one per host.


/** Each group's targets by `instanceId:port`, built once per answer: a lookup per host stays O(1). */
const indexes = new WeakMap();
function indexOf(targets) {
    let index = indexes.get(targets);
    if (!index) {
        index = new Map();
        // The first entry wins, as a search from the start would find it.
        for (const t of targets) {
            const key = `${t.instanceId}:${t.port}`;
            if (!index.has(key))
                index.set(key, t);
        }
        indexes.set(targets, index);
    }
    return index;
}
/** The load balancer's state of each of a host's registrations. */
function registrationStates(host, snapshot) {
    return host.registrations.map((r) => {
        const targets = snapshot.get(r.targetGroupArn);
        return ((targets && indexOf(targets).get(`${host.instanceId}:${r.port}`)) ?? {
            instanceId: host.instanceId,
            port: r.port,
            state: 'unused',
            reason: 'Target.NotRegistered'
        });
    });
}
function isInService(host, snapshot) {
    return registrationStates(host, snapshot).every((t) => t.state === 'healthy');
}
/** Why the load balancer does not count the host healthy, naming the group. */
function unhealthyReason(host, snapshot, groups) {
    const regs = registrationStates(host, snapshot);
    const bad = regs.findIndex((t) => t.state !== 'healthy');
    if (bad < 0)
        return undefined;
    const t = regs[bad];
    const group = groups.find((g) => g.arn === host.registrations[bad].targetGroupArn);
    const why = [t.reason, t.description].filter(Boolean).join(': ');
    return `load balancer reports ${t.state} in ${group?.name ?? 'its target group'} port ${t.port}${why ? ` (${why})` : ''}`;
}
function groupsOf(ctx, hosts) {
    const arns = new Set(hosts.flatMap((h) => h.registrations.map((r) => r.targetGroupArn)));
    return ctx.groups.filter((g) => arns.has(g.arn));
}
function targetsIn(groupArn, hosts) {
    return hosts.flatMap((h) => h.registrations
        .filter((r) => r.targetGroupArn === groupArn)
        .map((r) => ({ instanceId: h.instanceId, port: r.port })));
}
async function snapshot(ctx, groups = ctx.groups) {
    return describeAll(ctx.deps.lb, groups);
}
/** What ELB answers when one target of a call cannot be taken (e.g. autoscaling terminated it). */
const INVALID_TARGET = new Set(['InvalidTargetException', 'InvalidTarget']);
const isInvalidTarget = (err) => INVALID_TARGET.has(errorName(err));
/**
 * Calls `change` for the hosts of one group; when ELB refuses the call because of one target,
 * host by host, so the others still go through. Returns the hosts refused, with ELB's reason.
 */
async function eachGroup(ctx, hosts, change) {
    const refused = new Map();
    for (const g of groupsOf(ctx, hosts)) {
        // A host one group refused is not put into the next.
        const members = hosts.filter((h) => !refused.has(h) && h.registrations.some((r) => r.targetGroupArn === g.arn));
        if (members.length === 0)
            continue;
        const call = (list) => ctx.poller.retry(() => change(g.arn, targetsIn(g.arn, list)), ctx.apiPatienceMs);
        try {
            await call(members);
        }
        catch (err) {
            if (!isInvalidTarget(err) || members.length === 1) {
                if (!isInvalidTarget(err))
                    throw err;
                refused.set(members[0], `${g.name}: ${errorMessage(err)}`);
                continue;
            }
            for (const h of members) {
                await call([h]).catch((e) => {
                    if (!isInvalidTarget(e))
                        throw e;
                    refused.set(h, `${g.name}: ${errorMessage(e)}`);
                });
            }
        }
    }
    return refused;
}
/**
 * Deregisters the hosts from every group and port they are registered on (one call per group).
 * A target ELB no longer knows (a terminated instance) is as good as deregistered.
 */
async function deregisterHosts(ctx, hosts) {
    await eachGroup(ctx, hosts, (arn, targets) => ctx.deps.lb.deregister(arn, targets));
}
/**
 * Registers the hosts back into every group and port they came from (one call per group).
 * Returns the hosts ELB refused (autoscaling terminated them, say), with the reason: they are
 * taken out again of any group that already took them, so a refused host is in none.
 */
async function registerHosts(ctx, hosts) {
    const refused = await eachGroup(ctx, hosts, (arn, targets) => ctx.deps.lb.register(arn, targets));
    if (refused.size > 0)
        await deregisterHosts(ctx, [...refused.keys()]);
    return refused;
}
const GONE = new Set(['unused']);
/** Waits until no registration of the hosts is draining (or still registered). */
function waitDrained(ctx, hosts, timeoutMs) {
    const groups = groupsOf(ctx, hosts);
    const expectedMs = Math.max(0, ...groups.map((g) => g.deregistrationDelaySeconds)) * 1000;
    return waitFor(ctx, hosts, groups, timeoutMs, expectedMs, (states) => states.every((t) => GONE.has(t.state)));
}
/** Waits until every registration of the hosts is healthy (`initial` is not). */
function waitHealthy(ctx, hosts, timeoutMs) {
    const groups = groupsOf(ctx, hosts);
    const expectedMs = Math.max(0, ...groups.map((g) => g.healthCheckIntervalSeconds * g.healthyThresholdCount)) * 1000;
    return waitFor(ctx, hosts, groups, timeoutMs, expectedMs, (states) => states.every((t) => t.state === 'healthy'));
}
async function waitFor(ctx, hosts, groups, timeoutMs, expectedMs, reached) {
    const done = new Set();
    let last;
    const result = await ctx.poller.until(async () => {
        // Only the batch's targets: at 10,000 hosts the whole group is megabytes per answer.
        last = new Map(await Promise.all(groups.map(async (g) => [g.arn, await ctx.deps.lb.describeTargets(g, targetsIn(g.arn, hosts))])));
        for (const h of hosts)
            if (reached(registrationStates(h, last)))
                done.add(h);
        return done.size === hosts.length ? true : undefined;
    }, { timeoutMs, expectedMs });
    const late = new Map();
    for (const h of hosts) {
        if (done.has(h))
            continue;
        if (!last) {
            // Not one describe went through (throttled all along): say so rather than guess a state.
            late.set(h, 'no answer from the load balancer');
            continue;
        }
        const states = registrationStates(h, last);
        const t = states.find((s) => !reached([s])) ?? states[0];
        late.set(h, t ? `${t.state}${t.reason ? ` (${t.reason})` : ''}` : 'no answer from the load balancer');
    }
    return { done: hosts.filter((h) => done.has(h)), late, cancelled: result.status === 'cancelled' };
}

;// CONCATENATED MODULE: ./src/health/script.ts
// The health check that runs on each host through SSM. Input values (path, port) travel as
// base64 literals decoded on the host, so no character of them is ever parsed by a shell.
const HEALTH_MARKER = 'rolling-deploy-health';
const b64 = (value) => Buffer.from(value, 'utf8').toString('base64');
/**
 * The path as it goes on the wire. curl, wget and python all refuse a URL with a space or a
 * control character, and python one with non-ASCII: those are percent-encoded (UTF-8), as curl
 * does for non-ASCII. A path without its leading / gets one, so `@other-host/x` can never turn
 * 127.0.0.1 into userinfo. Everything else, % included, is sent as given.
 */
function wirePath(path) {
    let out = '';
    for (const ch of path) {
        const code = ch.codePointAt(0);
        out += code <= 0x20 || code >= 0x7f ? encodeURIComponent(ch) : ch;
    }
    return out.startsWith('/') ? out : `/${out}`;
}
/** A POSIX sh script that reads http://127.0.0.1:<port><path> on the host and prints
 *  `rolling-deploy-health status=<code>` then the first 2,000 bytes of the body.
 *  With a wait, it reads again every 0.5 s until the answer is 2xx (and its body contains
 *  `expect`) or the wait is over, and prints the last answer: one SSM command spans the app's
 *  start and ends the moment it is up. The rollout still judges the answer itself.
 *  curl runs with --globoff (else `{a,b}` and `[1-2]` in a path are expanded) and --path-as-is
 *  (else `/../` is squashed): the path reaches the server as given. */
function healthScript(target, wait = { seconds: 0 }) {
    const seconds = Math.max(0, Math.floor(wait.seconds));
    return [
        `# ${HEALTH_MARKER}: values are base64 so the shell never parses them`,
        `rd_port=$(printf '%s' '${b64(String(target.port))}' | base64 -d)`,
        `rd_path=$(printf '%s' '${b64(wirePath(target.path))}' | base64 -d)`,
        `rd_want=$(printf '%s' '${b64(wait.expect ?? '')}' | base64 -d)`,
        `rd_wait=${seconds}`,
        'rd_url="http://127.0.0.1:${rd_port}${rd_path}"',
        'rd_body=$(mktemp)',
        'rd_read() {',
        ': > "$rd_body"',
        'if command -v curl >/dev/null 2>&1; then',
        '  rd_code=$(curl -s -g --path-as-is -o "$rd_body" -w "%{http_code}" --max-time 5 "$rd_url")',
        'elif command -v wget >/dev/null 2>&1; then',
        `  rd_code=$(wget -S -q -T 5 -O "$rd_body" "$rd_url" 2>&1 | awk '/^ *HTTP\\//{c=$2} END{print c}')`,
        'else',
        `  rd_code=$(python3 -c 'import sys,urllib.request,urllib.error
try:
  r=urllib.request.urlopen(sys.argv[1],timeout=5); c=r.status; b=r.read()
except urllib.error.HTTPError as e:
  c=e.code; b=e.read()
except Exception:
  c=0; b=b""
open(sys.argv[2],"wb").write(b); print(c)' "$rd_url" "$rd_body")`,
        'fi',
        '}',
        'rd_end=$(( $(date +%s) + rd_wait ))',
        'while :; do',
        '  rd_read',
        '  case "$rd_code" in',
        '    2??) if [ -z "$rd_want" ] || grep -qF -e "$rd_want" "$rd_body"; then break; fi ;;',
        '  esac',
        '  [ "$(date +%s)" -lt "$rd_end" ] || break',
        '  sleep 0.5 2>/dev/null || sleep 1',
        'done',
        `echo "${HEALTH_MARKER} status=\${rd_code:-000}"`,
        'head -c 2000 "$rd_body"',
        'rm -f "$rd_body"',
        'exit 0'
    ].join('\n');
}
/** Reads the port and path back out of a script built by healthScript (for simulators): the
 *  path as sent (wirePath), which is the given path for any path without spaces, control
 *  characters or non-ASCII. */
function readHealthScript(script) {
    if (!script.includes(HEALTH_MARKER))
        return undefined;
    const literal = (name) => {
        const m = new RegExp(`${name}=\\$\\(printf '%s' '([A-Za-z0-9+/=]*)'`).exec(script);
        return m?.[1] === undefined ? undefined : Buffer.from(m[1], 'base64').toString('utf8');
    };
    const port = literal('rd_port');
    const path = literal('rd_path');
    if (port === undefined || path === undefined)
        return undefined;
    const want = literal('rd_want');
    const seconds = Number(/^rd_wait=(\d+)$/m.exec(script)?.[1] ?? 0);
    return { port: Number(port), path, wait: { seconds, expect: want || undefined } };
}
/** Parses what healthScript printed. Undefined when the output is not a health reading. */
function parseHealthOutput(output) {
    const start = output.indexOf(`${HEALTH_MARKER} status=`);
    if (start < 0)
        return undefined;
    const rest = output.slice(start + HEALTH_MARKER.length + ' status='.length);
    const newline = rest.indexOf('\n');
    const status = Number.parseInt(newline < 0 ? rest : rest.slice(0, newline), 10) || 0;
    const body = newline < 0 ? '' : rest.slice(newline + 1);
    return { status, body, version: jsonVersion(body) };
}
function jsonVersion(body) {
    try {
        const parsed = JSON.parse(body);
        if (parsed && typeof parsed === 'object' && 'version' in parsed) {
            const v = parsed.version;
            if (typeof v === 'string' || typeof v === 'number')
                return String(v);
        }
    }
    catch {
        // not JSON: the version is looked for as a substring instead
    }
    return undefined;
}
/** The spec's rule: the JSON body's `version` field when there is one, else a substring of the body. */
function reportsVersion(reading, expected) {
    if (reading.version !== undefined)
        return reading.version === expected;
    return reading.body.includes(expected);
}
const isHealthyStatus = (status) => status >= 200 && status < 300;

;// CONCATENATED MODULE: ./src/rollout/run-command.ts
// Runs one command on many hosts and waits for every invocation, judging each on its own:
// SSM's overall command status can read Success while some invocations were Undeliverable.


const TERMINAL = new Set([
    'Success',
    'Cancelled',
    'TimedOut',
    'Failed',
    'Undeliverable',
    'DeliveryTimedOut',
    'InvalidPlatform',
    'AccessDenied',
    'Terminated'
]);
/** What SSM answers for a command or invocation it has not finished recording yet. */
const NOT_YET = new Set(['InvocationDoesNotExist']);
const isTerminal = (status) => TERMINAL.has(status);
async function runOnHosts(ctx, instanceIds, spec, opts) {
    const results = new Map();
    if (instanceIds.length === 0)
        return results;
    const { runner } = ctx.deps;
    // One SendCommand's worth at a time, each retried on its own: retrying the whole list after a
    // throttled call would run the command twice on the hosts that already got it.
    const sent = [];
    for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
        const out = await ctx.poller.retry(async () => {
            await ctx.ssmRate.take();
            return runner.send(chunk, spec);
        }, ctx.apiPatienceMs);
        for (const s of out) {
            sent.push(s);
            for (const id of s.instanceIds)
                results.set(id, { instanceId: id, commandId: s.commandId, status: 'Pending' });
            opts.onSent?.(s.commandId, s.instanceIds);
        }
    }
    const unfinished = () => sent.filter((s) => s.instanceIds.some((id) => !isTerminal(results.get(id).status)));
    const waited = await ctx.poller.until(async () => {
        for (const s of unfinished()) {
            // Right after SendCommand the list can be empty or the invocation unknown (eventual
            // consistency): those stay Pending until the next poll.
            await ctx.ssmRate.take();
            const invocations = await runner.invocations(s.commandId).catch((err) => {
                if (NOT_YET.has(errorName(err)))
                    return [];
                throw err;
            });
            for (const inv of invocations)
                record(results, s.commandId, inv);
        }
        return unfinished().length === 0 ? true : undefined;
    }, { timeoutMs: opts.timeoutMs, ...opts.pace });
    if (waited.status === 'timeout') {
        for (const s of unfinished()) {
            const running = s.instanceIds.filter((id) => !isTerminal(results.get(id).status));
            if (opts.cancelOnTimeout) {
                await ctx.poller
                    .retry(() => runner.cancel(s.commandId, running), ctx.apiPatienceMs)
                    .catch(() => undefined);
            }
            for (const id of running) {
                const r = results.get(id);
                r.status = 'Running';
                r.statusDetails = `still ${r.statusDetails ?? 'InProgress'}`;
            }
        }
    }
    else if (waited.status === 'cancelled') {
        for (const r of results.values())
            if (!isTerminal(r.status))
                r.status = 'Running';
    }
    return results;
}
function record(results, commandId, inv) {
    const r = results.get(inv.instanceId);
    if (!r || r.commandId !== commandId)
        return;
    r.status = inv.status;
    r.statusDetails = inv.statusDetails;
    if (inv.responseCode !== undefined && inv.responseCode !== -1)
        r.exitCode = inv.responseCode;
    r.output = inv.output;
}

;// CONCATENATED MODULE: ./src/rollout/health-check.ts
// Health read on the host itself through SSM: the health endpoint must answer 2xx and, when
// expected-version is set, report that version. Hosts sharing a port and path share one command.


/** How long one health reading may take on a host: the script itself gives curl 5 s. */
const PROBE_TIMEOUT_MS = 60_000;
/** A reading that took longer than this to come back was held up (throttling, outage). */
const STALE_READING_MS = 20_000;
/**
 * How long one reading may wait on the host for the app to come up (the script reads every
 * 0.5 s): it ends the moment the app passes, so the rollout sees it within one SSM round trip.
 * Kept well under STALE_READING_MS and the script's executionTimeout (30 s, curl gives up at 5 s).
 */
const HOST_WAIT_S = 10;
/**
 * Health is read often, since every second of lag is a second the batch stays out of service:
 * a reading's result is looked for after 0.5 s (the script reads one local URL), then every
 * second; a host not yet healthy is read again 0.5 s after its last reading, then every second.
 */
const HEALTH_PACE = { minDelayMs: 500, maxDelayMs: 1000 };
/** The endpoint read on a host: the inputs' path and port, else its first target group's check. */
function healthTarget(ctx, host) {
    const reg = host.registrations[0];
    const group = ctx.groups.find((g) => g.arn === reg?.targetGroupArn);
    const port = ctx.settings.healthPort ?? group?.healthCheckPort ?? 'traffic-port';
    return {
        port: port === 'traffic-port' ? (reg?.port ?? 80) : Number(port),
        path: ctx.settings.healthPath ?? group?.healthCheckPath ?? '/'
    };
}
function healthSpec(target, wait) {
    return {
        documentName: 'AWS-RunShellScript',
        parameters: { commands: [healthScript(target, wait)], executionTimeout: ['30'] },
        deliveryTimeoutSeconds: 30,
        comment: 'rolling-deploy health check'
    };
}
const urlOf = (t) => `http://127.0.0.1:${t.port}${t.path}`;
/**
 * One reading of every host, one SSM command per distinct port and path. With waitSeconds, each
 * host's script keeps reading until its app passes or that time is over (see healthScript).
 */
async function readHealth(ctx, hosts, expectedVersion, waitSeconds = 0) {
    const wait = { seconds: waitSeconds, expect: expectedVersion };
    const byTarget = new Map();
    for (const h of hosts) {
        const target = healthTarget(ctx, h);
        const key = `${target.port} ${target.path}`;
        const entry = byTarget.get(key) ?? { target, ids: [] };
        entry.ids.push(h.instanceId);
        byTarget.set(key, entry);
    }
    const verdicts = new Map();
    await Promise.all([...byTarget.values()].map(async ({ target, ids }) => {
        const results = await runOnHosts(ctx, ids, healthSpec(target, wait), {
            timeoutMs: PROBE_TIMEOUT_MS,
            cancelOnTimeout: false,
            pace: HEALTH_PACE
        });
        for (const [id, r] of results) {
            verdicts.set(id, judge(target, r.status, r.output ?? '', expectedVersion));
        }
    }));
    return verdicts;
}
function judge(target, status, output, expected) {
    if (status !== 'Success') {
        return { ok: false, reason: `health check could not run on the host (SSM ${status})` };
    }
    const reading = parseHealthOutput(output);
    if (!reading)
        return { ok: false, reason: 'health check printed no reading' };
    const version = reading.version ?? (expected && reading.body.includes(expected) ? expected : undefined);
    if (!isHealthyStatus(reading.status)) {
        const answer = reading.status === 0 ? 'did not answer' : `answered HTTP ${reading.status}`;
        return { ok: false, status: reading.status, version, reason: `${urlOf(target)} ${answer}` };
    }
    if (expected !== undefined && !reportsVersion(reading, expected)) {
        const seen = reading.version ?? 'no matching version in the body';
        return {
            ok: false,
            status: reading.status,
            version: reading.version,
            reason: `reports version ${seen}, expected ${expected}`
        };
    }
    return { ok: true, status: reading.status, version };
}
/** Reads health until every host passes or the timeout ends; the verdicts are the last readings. */
async function verifyHealth(ctx, hosts, expectedVersion, timeoutMs) {
    const verdicts = new Map();
    const waiting = () => hosts.filter((h) => !verdicts.get(h.instanceId)?.ok);
    const { clock } = ctx.deps;
    let lastRound = { sentAt: clock.now(), readAt: clock.now() };
    const deadline = clock.now() + timeoutMs;
    const round = async () => {
        const sentAt = clock.now();
        // Each reading waits on the host for the app, within what is left of health-timeout.
        const waitSeconds = Math.min(HOST_WAIT_S, Math.floor((deadline - sentAt) / 1000));
        const readings = await readHealth(ctx, waiting(), expectedVersion, Math.max(0, waitSeconds));
        for (const [id, v] of readings)
            verdicts.set(id, v);
        lastRound = { sentAt, readAt: clock.now() };
    };
    const result = await ctx.poller.until(async () => {
        await round();
        return waiting().length === 0 ? true : undefined;
    }, { timeoutMs, ...HEALTH_PACE });
    // A reading that AWS throttling kept from us until past the deadline describes the host as it
    // was long ago: judge the host on a fresh one, never on a stale one (throttling is no failure).
    if (result.status === 'timeout' &&
        waiting().length > 0 &&
        lastRound.readAt - lastRound.sentAt > STALE_READING_MS) {
        await round();
    }
    for (const h of hosts) {
        if (!verdicts.has(h.instanceId))
            verdicts.set(h.instanceId, { ok: false, reason: 'no health reading before health-timeout' });
    }
    return { verdicts, cancelled: result.status === 'cancelled' };
}

;// CONCATENATED MODULE: ./src/rollout/precheck.ts
// Seed rule: check a host before touching it. A host that fails is skipped and left exactly as
// it was. A dry run reads only: the load balancer's state and the SSM agent's ping status.


/** Each failing host with the reason; hosts not in the map passed. */
async function precheck(ctx, hosts, lbView) {
    const failed = new Map();
    for (const h of hosts) {
        const why = unhealthyReason(h, lbView, ctx.groups);
        if (why)
            failed.set(h, why);
    }
    const candidates = hosts.filter((h) => !failed.has(h));
    if (candidates.length === 0)
        return failed;
    if (ctx.settings.dryRun) {
        const ids = candidates.map((h) => h.instanceId);
        const ping = await ctx.poller.retry(() => ctx.deps.runner.pingStatus(ids), ctx.apiPatienceMs);
        for (const h of candidates) {
            const status = ping.get(h.instanceId);
            if (status !== 'Online') {
                failed.set(h, status ? `SSM agent is ${status}` : 'not a managed instance in SSM (no agent ping)');
            }
        }
        return failed;
    }
    const verdicts = await readHealth(ctx, candidates, undefined);
    for (const h of candidates) {
        const v = verdicts.get(h.instanceId);
        if (!v?.ok)
            failed.set(h, `pre-check: ${v?.reason ?? 'no health reading'}`);
    }
    return failed;
}

;// CONCATENATED MODULE: ./src/rollout/batch-cycle.ts
// One batch: drain → command → verify → restore. A host that fails a step stays out of the load
// balancer for a person to look at; the others go back in and must be healthy there.




/** Extra time past command-timeout before the rollout cancels an invocation itself. */
const COMMAND_GRACE_MS = 30_000;
/**
 * How often a running deploy is looked at: every 5% of the time it has run (1 s at first, at most
 * 10 s), so its end is seen within 5% of its duration.
 */
const COMMAND_PACE = { minDelayMs: 1000, maxDelayMs: 10_000, paceFraction: 0.05 };
/** How much of a failed host's output the report keeps. */
const OUTPUT_TAIL_CHARS = 4000;
async function runBatch(ctx, hosts, number, cycle) {
    const { book } = ctx;
    const { clock } = ctx.deps;
    const batch = {
        number,
        instanceIds: hosts.map((h) => h.instanceId),
        kind: cycle.kind,
        startedAt: clock.now(),
        phases: [],
        failed: []
    };
    ctx.batches.push(batch);
    const phase = async (name, fn) => {
        const entry = { phase: name, startedAt: clock.now() };
        batch.phases.push(entry);
        try {
            return await fn();
        }
        finally {
            entry.finishedAt = clock.now();
        }
    };
    const fail = (h, step, why) => {
        const reason = cycle.kind === 'rollback' ? `rollback: ${why}` : why;
        book.fail(h, step, reason);
        batch.failed.push(h.instanceId);
        ctx.deps.log.error(`${h.instanceId} failed at ${step}: ${reason}`);
    };
    const done = () => {
        batch.finishedAt = clock.now();
        return batch;
    };
    const now = clock.now();
    // A rollback keeps the host's deploy batch and start: the report tells where it was deployed.
    const start = cycle.kind === 'deploy' ? { batch: number, startedAt: now } : {};
    // A host rolled back keeps why its deploy failed until its rollback ends, for the post step.
    const clear = cycle.kind === 'deploy' ? { reason: undefined } : {};
    book.update(hosts, {
        ...start,
        ...clear,
        step: 'drain',
        outOfService: true,
        commandSent: false,
        cycle: cycle.kind
    });
    // 1. Out of every target group, and wait until the load balancer has finished draining.
    const drained = await phase('drain', async () => {
        await deregisterHosts(ctx, hosts);
        const timeout = ctx.settings.drainTimeoutMs ?? defaultDrainTimeoutMs(ctx, hosts);
        const wait = await waitDrained(ctx, hosts, timeout);
        for (const [h, state] of wait.late) {
            if (!wait.cancelled)
                fail(h, 'drain', `still ${state} after drain-timeout ${formatDuration(timeout)}`);
        }
        return wait;
    });
    if (drained.cancelled || drained.done.length === 0)
        return done();
    // 2. The command, only on hosts the load balancer no longer sends anything to.
    const ready = drained.done;
    if (ctx.poller.cancelled)
        return done();
    book.update(ready, { step: 'command', commandSent: true });
    const results = await phase('command', () => runOnHosts(ctx, ready.map((h) => h.instanceId), cycle.command, {
        timeoutMs: ctx.settings.commandTimeoutMs + COMMAND_GRACE_MS,
        cancelOnTimeout: true,
        pace: COMMAND_PACE,
        onSent: (commandId, ids) => book.update(ids.map((id) => book.get(id)), { commandId })
    }));
    if (ctx.poller.cancelled)
        return done();
    const ran = [];
    for (const h of ready) {
        // A runner that lost a host from its SendCommand calls must not crash the batch: the host failed.
        const r = results.get(h.instanceId) ?? {
            instanceId: h.instanceId,
            commandId: h.commandId ?? '',
            status: 'Undeliverable',
            statusDetails: 'no invocation for this host'
        };
        book.update(h, { exitCode: r.exitCode });
        if (r.status === 'Success')
            ran.push(h);
        else {
            const tail = await outputTail(ctx, r);
            book.update(h, { outputTail: tail });
            fail(h, 'command', commandFailure(r, ctx.settings.commandTimeoutMs, tail));
        }
    }
    if (ran.length === 0)
        return done();
    // 3. Health on the host itself, with the expected version.
    book.update(ran, { step: 'verify' });
    const verified = await phase('verify', () => verifyHealth(ctx, ran, cycle.expectedVersion, ctx.settings.healthTimeoutMs));
    if (verified.cancelled)
        return done();
    const passed = [];
    for (const h of ran) {
        const v = verified.verdicts.get(h.instanceId);
        book.update(h, { version: v.version });
        if (v.ok)
            passed.push(h);
        else
            fail(h, 'verify', `${v.reason} (health-timeout ${formatDuration(ctx.settings.healthTimeoutMs)})`);
    }
    if (passed.length === 0)
        return done();
    // 4. Back into every group and port it came from, until the load balancer calls it healthy.
    book.update(passed, { step: 'restore' });
    await phase('restore', async () => {
        const refused = await registerHosts(ctx, passed);
        for (const [h, why] of refused)
            fail(h, 'restore', `the load balancer refused it back: ${why}`);
        const back = passed.filter((h) => !refused.has(h));
        if (back.length === 0)
            return;
        const wait = await waitHealthy(ctx, back, ctx.settings.healthTimeoutMs);
        if (wait.cancelled)
            return;
        for (const h of wait.done)
            book.finish(h, cycle.passState, { step: 'done', outOfService: false });
        const late = [...wait.late.keys()];
        // A host the load balancer never calls healthy goes back out, for a person to look at.
        if (late.length > 0)
            await deregisterHosts(ctx, late);
        for (const [h, state] of wait.late) {
            fail(h, 'restore', `load balancer still reports ${state} after health-timeout ${formatDuration(ctx.settings.healthTimeoutMs)}; taken out again`);
        }
    });
    return done();
}
function defaultDrainTimeoutMs(ctx, hosts) {
    const arns = new Set(hosts.flatMap((h) => h.registrations.map((r) => r.targetGroupArn)));
    const delay = Math.max(0, ...ctx.groups.filter((g) => arns.has(g.arn)).map((g) => g.deregistrationDelaySeconds));
    return (delay + 60) * 1000;
}
async function outputTail(ctx, r) {
    try {
        const out = await ctx.poller.retry(() => ctx.deps.runner.output(r.commandId, r.instanceId), 30_000);
        const text = [out.stdout.trimEnd(), out.stderr.trimEnd()].filter(Boolean).join('\n');
        return text.slice(-OUTPUT_TAIL_CHARS);
    }
    catch {
        return (r.output ?? '').slice(-OUTPUT_TAIL_CHARS);
    }
}
function commandFailure(r, timeoutMs, tail) {
    const lastLine = tail.trim().split('\n').pop()?.slice(0, 200);
    const detail = lastLine ? `: ${lastLine}` : '';
    switch (r.status) {
        case 'Failed':
            return `command failed with exit code ${r.exitCode ?? 'unknown'}${detail}`;
        case 'TimedOut':
            return `command timed out on the host (TimedOut, command-timeout ${formatDuration(timeoutMs)})${detail}`;
        case 'Running':
            return `command still running after command-timeout ${formatDuration(timeoutMs)}; cancelled`;
        case 'Undeliverable':
            return 'SSM could not deliver the command (Undeliverable): is the SSM agent running and the instance reachable?';
        case 'DeliveryTimedOut':
            return 'SSM could not deliver the command in time (DeliveryTimedOut): the SSM agent did not pick it up';
        case 'InvalidPlatform':
            return 'the document does not run on this platform (InvalidPlatform)';
        case 'AccessDenied':
            return "SSM denied the command on this host (AccessDenied): check the instance profile's permissions";
        default:
            return `command ended ${r.status}${r.statusDetails && r.statusDetails !== r.status ? ` (${r.statusDetails})` : ''}${detail}`;
    }
}

;// CONCATENATED MODULE: ./src/rollout/command-spec.ts
// What the batch cycle sends: the user's script through AWS-RunShellScript (its execution
// timeout set from command-timeout), or the user's own document with its parameters.
/** SendCommand's TimeoutSeconds range. */
const MIN_DELIVERY_S = 30;
const MAX_DELIVERY_S = 2_592_000;
function shellScript(script, settings, comment) {
    const seconds = Math.ceil(settings.commandTimeoutMs / 1000);
    return {
        documentName: 'AWS-RunShellScript',
        parameters: { commands: [script], executionTimeout: [String(seconds)] },
        deliveryTimeoutSeconds: deliveryTimeout(settings),
        comment
    };
}
function deliveryTimeout(settings) {
    const seconds = Math.ceil(settings.commandTimeoutMs / 1000);
    return Math.min(MAX_DELIVERY_S, Math.max(MIN_DELIVERY_S, seconds));
}
function deploySpec(settings) {
    const comment = `rolling-deploy ${settings.expectedVersion ?? ''}`.trim();
    if (settings.deploy.kind === 'command')
        return shellScript(settings.deploy.script, settings, comment);
    return {
        documentName: settings.deploy.name,
        parameters: settings.deploy.parameters,
        deliveryTimeoutSeconds: deliveryTimeout(settings),
        comment
    };
}
function rollbackSpec(settings) {
    return shellScript(settings.rollbackCommand ?? 'true', settings, 'rolling-deploy rollback');
}

;// CONCATENATED MODULE: ./src/rollout/lock.ts
// One lock per target group, so two runs never roll the same fleet at once. A lock records who
// holds it and until when; a lock past its expiry belongs to a run that died, and is taken over.


const LOCK_PREFIX = '/rolling-deploy/lock/';
const lockName = (group) => `${LOCK_PREFIX}${group.name}`;
/** Another run holds a lock: this one must not change anything. */
class LockHeldError extends Error {
    name = 'LockHeldError';
}
function parse(raw) {
    if (!raw)
        return undefined;
    try {
        const v = JSON.parse(raw);
        if (typeof v.runUrl === 'string' && typeof v.expiresAt === 'string')
            return v;
    }
    catch {
        // a value that is not ours: treated as held, with no expiry we can trust
    }
    return undefined;
}
function accessHint(err, action) {
    const name = errorName(err);
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
        return new Error(`lock: ${action} on parameter ${LOCK_PREFIX}* was denied (${errorMessage(err)}). ` +
            `Allow ssm:PutParameter, ssm:GetParameter and ssm:DeleteParameter on arn:aws:ssm:*:*:parameter${LOCK_PREFIX}*, or set lock: false to run without a lock.`);
    }
    return err instanceof Error ? err : new Error(String(err));
}
/**
 * Takes every group's lock or none: when one is held by a live run, the ones already taken are
 * released and LockHeldError names the holder.
 */
async function acquireLocks(store, groups, runUrl, ttlMs, clock, log) {
    const now = clock.now();
    const value = {
        runUrl,
        startedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + ttlMs).toISOString()
    };
    const text = JSON.stringify(value);
    const held = { names: [], value };
    try {
        for (const group of groups) {
            const name = lockName(group);
            if (await store.create(name, text).catch((e) => Promise.reject(accessHint(e, 'PutParameter')))) {
                held.names.push(name);
                continue;
            }
            const current = parse(await store.read(name).catch((e) => Promise.reject(accessHint(e, 'GetParameter'))));
            if (current && Date.parse(current.expiresAt) <= now) {
                log.warning(`lock ${name} held by ${current.runUrl} expired at ${current.expiresAt}: taking it over`);
                await store
                    .overwrite(name, text)
                    .catch((e) => Promise.reject(accessHint(e, 'PutParameter')));
                held.names.push(name);
                continue;
            }
            throw new LockHeldError(`target group ${group.name} is locked by another run: ${current?.runUrl ?? 'unknown holder'}` +
                (current ? ` (until ${current.expiresAt})` : '') +
                `. Wait for it to finish, or delete the parameter ${name} if that run is gone.`);
        }
    }
    catch (err) {
        await releaseLocks(store, held, log);
        throw err;
    }
    log.info(`locked ${held.names.join(', ')} until ${value.expiresAt} (${formatDuration(ttlMs)})`);
    return held;
}
/** Deletes the locks this run still holds; a lock another run took over is left alone. */
async function releaseLocks(store, held, log) {
    const released = [];
    for (const name of held.names) {
        try {
            const current = parse(await store.read(name));
            if (current &&
                current.runUrl === held.value.runUrl &&
                current.startedAt === held.value.startedAt) {
                await store.delete(name);
                released.push(name);
            }
            else if (current) {
                log.warning(`lock ${name} is now held by ${current.runUrl}: left in place`);
            }
        }
        catch (err) {
            log.warning(`could not release lock ${name}: ${errorMessage(err)}; delete the parameter by hand`);
        }
    }
    return released;
}
/**
 * How long a lock is held at most: the run's worst case, every batch using every timeout, so a
 * live run's lock never expires under it while a dead run's lock frees itself.
 */
function lockTtlMs(timeouts, batches) {
    const perBatch = timeouts.drainMs + timeouts.commandMs + 2 * timeouts.healthMs + 60_000;
    return Math.max(1, batches) * perBatch + timeouts.canaryMs + 15 * 60_000;
}

;// CONCATENATED MODULE: ./src/rollout/capacity.ts
// The capacity guard's view of the fleet before a batch (deploy or rollback): how many hosts the
// load balancer serves from, overall and per target group, and the wait for it to recover.



async function readCapacity(ctx) {
    const snap = await snapshot(ctx);
    // Every host the load balancer serves from counts, skipped ones included (they are part of the
    // fleet the minimum is computed from); hosts this run took out count only once healthy again.
    const inService = ctx.book.records.filter((h) => !h.outOfService && isInService(h, snap));
    ctx.capacity.push({ at: ctx.deps.clock.now(), inService: inService.length });
    return {
        snap,
        inService,
        allowance: capacityAllowance(inService.length, ctx.minInService),
        groups: groupCapacities(ctx, snap)
    };
}
/** Per target group: its hosts, and how many of them it serves from now (hosts this run took out excluded). */
function groupCapacities(ctx, snap) {
    return ctx.groups.map((g) => {
        const members = ctx.book.records.filter((h) => h.registrations.some((r) => r.targetGroupArn === g.arn));
        const serving = members.filter((h) => !h.outOfService &&
            registrationStates(h, snap).every((t, i) => h.registrations[i].targetGroupArn !== g.arn || t.state === 'healthy'));
        return { name: g.name, members: members.map((h) => h.instanceId), inService: serving.length };
    });
}
/**
 * Reads the capacity and lets `choose` pick the batch; when it allows none, re-reads until it
 * does, up to health-timeout.
 */
async function awaitCapacity(ctx, choose, opts = { stopOnAlarm: true }) {
    const alarmed = () => opts.stopOnAlarm && ctx.alarmStop !== undefined;
    const { settings, deps } = ctx;
    let view = await ctx.poller.retry(() => readCapacity(ctx), ctx.apiPatienceMs);
    let choice = choose(view);
    if (choice.why) {
        deps.log.warning(`${choice.why}: waiting up to ${formatDuration(settings.healthTimeoutMs)} for capacity to recover`);
        const waited = await ctx.poller.until(async () => {
            view = await readCapacity(ctx);
            choice = choose(view);
            return choice.why && !alarmed() ? undefined : view;
        }, { timeoutMs: settings.healthTimeoutMs, expectedMs: 5000, maxDelayMs: 10_000 });
        if (waited.status === 'cancelled' || alarmed())
            return { status: 'interrupted' };
        if (waited.status === 'timeout') {
            return {
                status: 'stop',
                reason: `capacity guard: ${choice.why}; none recovered within health-timeout ${formatDuration(settings.healthTimeoutMs)}`
            };
        }
    }
    return { status: 'ok', view, ids: choice.ids };
}

;// CONCATENATED MODULE: ./src/rollout/alarms.ts
// The CloudWatch alarms named by `alarms`: checked to exist before any change, checked before
// every batch, and watched during every wait. An alarm in ALARM stops the run; a transient
// CloudWatch error is only retried (or, while watching, left for the next look).


/** How often a wait looks at the alarms (clock time). */
const ALARM_WATCH_MS = 10_000;
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
async function read(source, names) {
    if (source.describe)
        return source.describe(names);
    return { firing: await source.firing(names), missing: [] };
}
const quoted = (names) => names.map((n) => `"${n}"`).join(', ');
/** The reason a run stops for alarms, naming them and when they were seen. */
function alarmReason(firing, activity) {
    const which = firing.length === 1 ? `alarm ${firing[0]} is` : `alarms ${firing.join(', ')} are`;
    return `${which} in ALARM${activity ? ` (seen ${activity})` : ''}`;
}
/**
 * Before anything is changed: every named alarm must exist (a typo would otherwise watch
 * nothing for the whole run). Returns the alarms already in ALARM. Throws ConfigError for a
 * missing alarm or a denied DescribeAlarms.
 */
async function validateAlarms(names, deps, poller, patienceMs, region) {
    if (names.length === 0)
        return [];
    if (!deps.alarms) {
        throw new ConfigError('alarms: this run has no CloudWatch access to read alarms with');
    }
    const source = deps.alarms;
    let status;
    try {
        status = await poller.retry(() => read(source, names), patienceMs);
    }
    catch (err) {
        if (ACCESS_DENIED.has(errorName(err))) {
            throw new ConfigError(`alarms: reading the alarms was denied (${errorMessage(err)}). Allow cloudwatch:DescribeAlarms ` +
                'to the role the workflow runs with, or remove the alarms input to run without watching alarms.');
        }
        throw err;
    }
    if (status.missing.length > 0) {
        const one = status.missing.length === 1;
        throw new ConfigError(`alarms: ${one ? 'no CloudWatch alarm named' : 'no CloudWatch alarms named'} ${quoted(status.missing)} ` +
            `${region ? `in ${region}` : 'in this region'}. Alarm names are case-sensitive: check the ` +
            'names in alarms and the region (aws-region), or remove the name from alarms.');
    }
    return status.firing;
}
/** The alarms, as the rollout checks them: strictly between batches, softly during waits. */
class AlarmWatch {
    ctx;
    names;
    source;
    warned = false;
    constructor(ctx, names, source) {
        this.ctx = ctx;
        this.names = names;
        this.source = source;
    }
    /**
     * Between batches: transient errors are retried (up to the run's API patience); what is
     * firing sets ctx.alarmStop. Returns the stop reason, if any.
     */
    async check() {
        const status = await this.ctx.poller.retry(() => read(this.source, this.names), this.ctx.apiPatienceMs);
        this.record(status.firing);
        return this.ctx.alarmStop;
    }
    /**
     * During a wait: one look, never a throw. An error is left for the next look (and for the
     * strict check before the next batch); a non-transient one is logged once.
     */
    async peek() {
        if (this.ctx.alarmStop)
            return;
        try {
            this.record((await read(this.source, this.names)).firing);
        }
        catch (err) {
            if (!isTransient(err) && !this.warned) {
                this.warned = true;
                this.ctx.deps.log.warning(`could not read the alarms (${errorName(err)}: ${errorMessage(err)}); checking again before the next batch`);
            }
        }
    }
    record(firing) {
        if (firing.length === 0 || this.ctx.alarmStop)
            return;
        this.ctx.alarmStop = alarmReason(firing, this.ctx.activity);
        this.ctx.deps.log.error(`${this.ctx.alarmStop}: no new batch starts`);
    }
}

;// CONCATENATED MODULE: ./src/rollout/canary.ts
// The canary bake: after the first batch, canary-wait of watching before any other host is
// touched. Each poll (every 10–15 s) reads the alarms and the load balancer's health of the
// hosts just deployed, one DescribeTargetHealth per group. A deployed host that turns unhealthy
// fails (step canary) and is taken out of the load balancer for a person to look at; an alarm
// in ALARM ends the bake at once, and the run stops.



const CANARY_POLL_MS = 10_000;
const CANARY_POLL_MAX_MS = 15_000;
async function canaryBake(ctx, batch, maxFailures) {
    const { book, deps, settings } = ctx;
    const { clock, log } = deps;
    const entry = { phase: 'canary', startedAt: clock.now() };
    batch.phases.push(entry);
    ctx.activity = 'during the canary wait';
    log.info(`watching ${batch.instanceIds.join(', ')}${settings.alarms.length > 0 ? ` and ${settings.alarms.length} alarm(s)` : ''} for ${formatDuration(settings.canaryWaitMs)}`);
    const watched = () => batch.instanceIds.map((id) => book.get(id)).filter((h) => h.state === 'deployed');
    await ctx.poller.until(async () => {
        await ctx.poller.watchNow();
        if (ctx.alarmStop)
            return true;
        const hosts = watched();
        if (hosts.length > 0) {
            let snap;
            try {
                snap = await snapshot(ctx, groupsOf(ctx, hosts));
            }
            catch (err) {
                if (isTransient(err))
                    return undefined; // no reading this time: look again next poll
                throw err;
            }
            const sick = hosts.filter((h) => !isInService(h, snap));
            if (sick.length > 0) {
                // Failed and out of service from now: the journal says so before the load balancer is asked.
                for (const h of sick) {
                    const why = unhealthyReason(h, snap, ctx.groups) ?? 'not healthy in the load balancer';
                    const reason = `${why} during the canary wait; taken out of the load balancer`;
                    book.fail(h, 'canary', reason, { outOfService: true });
                    batch.failed.push(h.instanceId);
                    log.error(`${h.instanceId} failed the canary wait: ${h.reason}`);
                }
                await deregisterHosts(ctx, sick);
            }
        }
        return book.count('failed') > maxFailures ? true : undefined;
    }, {
        timeoutMs: settings.canaryWaitMs,
        expectedMs: CANARY_POLL_MS,
        minDelayMs: CANARY_POLL_MS,
        maxDelayMs: CANARY_POLL_MAX_MS,
        transientGraceMs: 0,
        watch: false
    });
    entry.finishedAt = clock.now();
    batch.finishedAt = clock.now();
}

;// CONCATENATED MODULE: ./src/rollout/rollback.ts
// on-failure: rollback. Once the run stops for failures over max-failures or an alarm, the
// rollback command goes through the same drain → command → verify (health only, no
// expected-version) → restore cycle: first on the failed hosts that got the deploy, then on the
// deployed hosts, newest batch first. Batches take the sizes of batch-size (the first rollback
// batch is as small as the canary) and the capacity guard: a host already out of service costs
// no capacity. A host whose rollback passes ends rolled-back; one whose rollback fails ends
// failed ("rollback: ...") and stays out of the load balancer.





function rollbackCycle(settings) {
    return { kind: 'rollback', command: rollbackSpec(settings), passState: 'rolled-back' };
}
/**
 * The hosts to roll back, in order: failed hosts that got the deploy command (a host that failed
 * at drain never got it and keeps its release), then deployed hosts, newest batch first.
 */
function rollbackQueue(records) {
    const newestFirst = (a, b) => (b.batch ?? 0) - (a.batch ?? 0);
    const failed = records.filter((h) => h.state === 'failed' && h.commandSent).sort(newestFirst);
    const deployed = records.filter((h) => h.state === 'deployed').sort(newestFirst);
    return [...failed, ...deployed];
}
async function rollBack(ctx, maxFailures) {
    const { book, deps, settings } = ctx;
    const cycle = rollbackCycle(settings);
    const queue = rollbackQueue(book.records);
    const outcome = { completed: false, attempted: 0 };
    deps.log.info(`rolling back ${queue.length} host(s): ${queue.map((h) => h.instanceId).join(', ') || 'none'}`);
    /** Previously deployed hosts whose rollback failed: each one is a serving host now out. */
    let brokeServing = 0;
    for (let number = 1; queue.length > 0; number++) {
        if (ctx.poller.cancelled)
            return outcome;
        ctx.activity = `before rollback batch ${number}`;
        // An alarm firing now changes nothing: the rollback is what it calls for.
        const capacity = await awaitCapacity(ctx, (v) => chooseRollback(ctx, queue, number, v), {
            stopOnAlarm: false
        });
        if (capacity.status === 'stop')
            return { ...outcome, stoppedBecause: capacity.reason };
        if (capacity.status === 'interrupted' || ctx.poller.cancelled)
            return outcome;
        const batch = capacity.ids.map((id) => book.get(id));
        queue.splice(0, queue.length, ...queue.filter((h) => !batch.includes(h)));
        const before = new Map(batch.map((h) => [h, { state: h.state, step: h.step, reason: h.reason }]));
        ctx.activity = `during rollback batch ${number}`;
        outcome.attempted += batch.length;
        await deps.log.group(`Rollback batch ${number}: ${batch.map((h) => h.instanceId).join(', ')}`, () => runBatch(ctx, batch, number, cycle));
        if (ctx.poller.cancelled)
            return outcome;
        for (const h of batch) {
            const was = before.get(h);
            if (h.state === 'rolled-back' && was.state === 'failed') {
                // The report keeps why the deploy failed on a host whose rollback then passed.
                book.update(h, {
                    reason: `deploy failed at ${was.step}: ${was.reason ?? 'see the log'}; rolled back`
                });
            }
            if (h.state === 'failed' && was.state === 'deployed')
                brokeServing++;
        }
        if (brokeServing > maxFailures) {
            return {
                ...outcome,
                stoppedBecause: `the rollback failed on ${brokeServing} host(s) that were serving, more than max-failures (${maxFailures}); the other deployed hosts were left in service`
            };
        }
    }
    return { ...outcome, completed: true };
}
/**
 * The next rollback batch, in queue order: up to the batch size, hosts already out of service
 * for free, hosts in service only while the capacity guard allows (overall and per target
 * group). The first host that does not fit ends the batch, so the order holds.
 */
function chooseRollback(ctx, queue, number, view) {
    const { settings } = ctx;
    const size = batchSizeAt(settings.batchSize, number - 1, ctx.fleetSize);
    const out = new Map();
    const picked = [];
    let used = 0;
    let why;
    for (const h of queue) {
        if (picked.length >= size)
            break;
        if (h.outOfService || !isInService(h, view.snap)) {
            picked.push(h.instanceId);
            continue;
        }
        if (used + 1 > view.allowance) {
            why = `${view.inService.length} of ${ctx.fleetSize} host(s) in service, ${ctx.minInService} must stay in service (min-healthy-percent ${settings.minHealthyPercent})`;
            break;
        }
        why = groupBlock(h.instanceId, view.groups, out, settings.minHealthyPercent);
        if (why)
            break;
        takeOut(h.instanceId, view.groups, out);
        used++;
        picked.push(h.instanceId);
    }
    return picked.length > 0 ? { ids: picked } : { ids: [], why };
}

;// CONCATENATED MODULE: ./src/rollout/rollout.ts
// The whole run, pure: discover → alarms exist → lock → pre-check → plan → batch cycle (alarms
// before each batch and during every wait; the canary bake after the first) → final check, and on
// a stop for failures or an alarm with on-failure: rollback, the rollback. It talks only to the
// ports in RolloutDeps and waits only on the injected clock.


















/** How long a mutating AWS call keeps being retried through throttling before the run gives up. */
const API_PATIENCE_MS = 5 * 60_000;
/**
 * SSM calls (SendCommand, ListCommandInvocations) go out at most a burst of 30, then 8 per second.
 * SSM's rates are per account and region and shared with every other caller; a 1,000-host batch
 * is 20 SendCommand calls and 20 ListCommandInvocations per poll, which unpaced would be throttled
 * (and then slowed further by the SDK's adaptive retry).
 */
const SSM_BURST = 30;
const SSM_PER_SECOND = 8;
/** The final version check reads each deployed host for at most this long. */
const FINAL_CHECK_MS = 60_000;
const CANCELLED = 'cancelled (SIGINT/SIGTERM)';
async function rollout(settings, deps) {
    const { clock, log } = deps;
    const startedAt = clock.now();
    const poller = new Poller(clock, deps.random, deps.signal);
    const fleet = await log.group('Discover the fleet', async () => {
        const f = await poller.retry(() => discoverFleet(deps.lb, settings.targetGroups), API_PATIENCE_MS);
        for (const g of f.groups) {
            log.info(`${g.name}: health check ${g.healthCheckPath ?? '/'} on ${g.healthCheckPort}, deregistration delay ${g.deregistrationDelaySeconds}s`);
        }
        log.info(`${f.hosts.length} host(s) in ${f.groups.length} target group(s)`);
        return f;
    });
    // Every named alarm must exist before anything is changed (a dry run checks it too).
    const firingAtStart = await validateAlarms(settings.alarms, deps, poller, API_PATIENCE_MS, settings.region);
    // Capacity over time for the summary: a sample whenever a host goes out or comes back, besides
    // the load balancer's own count read before each batch.
    const capacity = [];
    let outNow = -1;
    const sampleCapacity = (hosts) => {
        const out = hosts.filter((h) => h.outOfService || h.state === 'skipped').length;
        if (out === outNow)
            return;
        outNow = out;
        capacity.push({ at: clock.now(), inService: hosts.length - out });
    };
    const book = new HostBook(fleet.hosts, clock, (hosts) => {
        deps.onChange?.(hosts);
        sampleCapacity(hosts);
    });
    const fleetSize = book.size;
    const ctx = {
        settings,
        deps,
        groups: fleet.groups,
        book,
        poller,
        batches: [],
        capacity,
        fleetSize,
        minInService: 0,
        apiPatienceMs: API_PATIENCE_MS,
        ssmRate: new RateLimiter(clock, SSM_BURST, SSM_PER_SECOND)
    };
    const outcome = (result, reason) => ({
        result,
        reason,
        groups: fleet.groups,
        hosts: book.records,
        batches: ctx.batches,
        startedAt,
        finishedAt: clock.now(),
        capacity: ctx.capacity,
        fleetSize,
        minInService: ctx.minInService
    });
    if (firingAtStart.length > 0) {
        const why = alarmReason(firingAtStart, 'before the run');
        if (settings.dryRun)
            log.warning(`${why}: a real run would stop before its first batch`);
        else
            return outcome('failed', `${why}; nothing was changed`);
    }
    if (!settings.dryRun && settings.lock && deps.lock) {
        try {
            await deps.lock(fleet.groups, fleetSize);
        }
        catch (err) {
            if (err instanceof LockHeldError)
                return outcome('failed', err.message);
            throw err;
        }
    }
    // Pre-check: a host that fails is skipped and left exactly as it was.
    const sick = await log.group('Pre-check', () => precheck(ctx, book.records, fleet.health));
    // A reading cut short by the cancel says nothing about the host: nothing was changed yet.
    if (poller.cancelled)
        return outcome('cancelled', CANCELLED);
    for (const [h, reason] of sick) {
        book.finish(h, 'skipped', { step: 'precheck', reason });
        log.warning(`${h.instanceId} skipped: ${reason}`);
    }
    if (sick.size > 0 && !settings.skipUnhealthy) {
        return outcome('failed', `${sick.size} host(s) failed the pre-check and skip-unhealthy is false; nothing was changed`);
    }
    // Plan.
    const eligible = book.inState('pending');
    // Capacity is what the load balancer serves from: a skipped host it calls healthy counts.
    const inService = book.records.filter((h) => isInService(h, fleet.health)).length;
    const plan = planBatches(settings.batchSize, eligible.map((h) => h.instanceId), fleetSize, settings.minHealthyPercent, inService, groupCapacities(ctx, fleet.health));
    ctx.minInService = plan.minInService;
    plan.batches.forEach((ids, i) => book.update(ids.map((id) => book.get(id)), { batch: i + 1, step: 'plan' }));
    await log.group('Plan', async () => {
        log.info(`${fleetSize} host(s), ${sick.size} skipped, ${plan.batches.length} batch(es); at least ${plan.minInService} stay in service`);
        plan.batches.forEach((ids, i) => log.info(`batch ${i + 1}: ${ids.join(', ')}`));
        for (const note of plan.notes)
            log.warning(note);
    });
    if (settings.dryRun)
        return outcome('dry-run');
    const maxFailures = resolveAmount(settings.maxFailures, fleetSize);
    const cycle = {
        kind: 'deploy',
        command: deploySpec(settings),
        expectedVersion: settings.expectedVersion,
        passState: 'deployed'
    };
    const source = deps.alarms;
    const alarms = settings.alarms.length > 0 && source ? new AlarmWatch(ctx, settings.alarms, source) : undefined;
    // Every wait from here on looks at the alarms every ALARM_WATCH_MS.
    if (alarms)
        poller.setWatch({ everyMs: ALARM_WATCH_MS, run: () => alarms.peek() });
    /** Why the run stops, and whether on-failure: rollback applies to it. */
    let stop;
    /** Failures over the budget, or an alarm seen by a wait: both call for a rollback. */
    const failureStop = () => {
        const failed = book.count('failed');
        const reason = failed > maxFailures
            ? `${failed} host(s) failed, more than max-failures (${maxFailures})`
            : ctx.alarmStop;
        return reason ? { reason, rollback: true } : undefined;
    };
    const checkAlarms = async (activity) => {
        ctx.activity = activity;
        if (alarms && !ctx.alarmStop)
            await alarms.check();
        return failureStop();
    };
    try {
        for (let number = 1;; number++) {
            const remaining = book.inState('pending');
            if (remaining.length === 0 || poller.cancelled)
                break;
            stop = failureStop() ?? (await checkAlarms(`before batch ${number}`));
            if (stop || poller.cancelled)
                break;
            const batch = await log.group(`Batch ${number}: capacity`, () => takeBatch(ctx, remaining, number));
            if (typeof batch === 'string') {
                stop = { reason: batch, rollback: false };
                break;
            }
            if (batch.length === 0)
                continue;
            if (poller.cancelled)
                break; // the cancel came while the capacity was read: start nothing
            ctx.activity = `during batch ${number}`;
            const record = await log.group(`Batch ${number}: ${batch.map((h) => h.instanceId).join(', ')}`, () => runBatch(ctx, batch, number, cycle));
            // The canary bake guards the batches after the first: with none left, there is nothing to wait for.
            const bake = number === 1 &&
                settings.canaryWaitMs > 0 &&
                book.count('pending') > 0 &&
                !poller.cancelled &&
                !failureStop();
            if (bake) {
                await log.group(`Canary: watching batch 1 for ${formatDuration(settings.canaryWaitMs)}`, () => canaryBake(ctx, record, maxFailures));
            }
        }
        if (!stop && !poller.cancelled)
            stop = failureStop();
        // The release has reached every host it will: one more look at the alarms before calling it done.
        if (!stop && !poller.cancelled && book.count('deployed') > 0) {
            stop = await checkAlarms('after the last batch');
        }
        if (!stop && !poller.cancelled && settings.expectedVersion !== undefined) {
            ctx.activity = 'during the final check';
            await log.group('Final check', () => finalCheck(ctx, settings.expectedVersion));
            stop = failureStop();
        }
    }
    catch (err) {
        stop = { reason: `stopped by an AWS error: ${errorMessage(err)}`, rollback: false };
        log.error(stop.reason);
        failMidCycle(ctx, stop.reason);
    }
    if (poller.cancelled)
        return outcome('cancelled', CANCELLED);
    if (stop?.rollback && settings.onFailure === 'rollback') {
        // Not one log group: each rollback batch has its own (GitHub does not nest groups).
        return rollbackAfter(ctx, stop.reason, maxFailures, outcome);
    }
    if (stop)
        return outcome('failed', stop.reason);
    if (book.count('failed') > 0) {
        log.warning(`${book.count('failed')} host(s) failed, within max-failures (${maxFailures})`);
    }
    return outcome('success');
}
/** After an AWS error: whoever was mid-cycle is out of service; say so rather than leave them as they were. */
function failMidCycle(ctx, reason) {
    for (const h of ctx.book.records) {
        if (h.cycle === 'rollback')
            ctx.book.fail(h, h.step, `rollback: ${reason}`);
        else if (h.cycle || (h.state === 'pending' && h.outOfService))
            ctx.book.fail(h, h.step, reason);
    }
}
/** on-failure: rollback, once the run stopped for failures or an alarm. */
async function rollbackAfter(ctx, reason, maxFailures, outcome) {
    const { log } = ctx.deps;
    log.error(`${reason}: on-failure is rollback, running rollback-command`);
    // An alarm now changes nothing: the rollback is what it calls for.
    ctx.poller.setWatch(undefined);
    let rb;
    try {
        rb = await rollBack(ctx, maxFailures);
    }
    catch (err) {
        const why = `stopped by an AWS error: ${errorMessage(err)}`;
        log.error(`rollback ${why}`);
        failMidCycle(ctx, why);
        return outcome('failed', `${reason}; rollback ${why}`);
    }
    if (ctx.poller.cancelled)
        return outcome('cancelled', CANCELLED);
    if (!rb.completed) {
        log.error(`rollback stopped: ${rb.stoppedBecause}`);
        return outcome('failed', `${reason}; rollback stopped: ${rb.stoppedBecause}`);
    }
    if (rb.attempted === 0)
        return outcome('failed', `${reason}; nothing to roll back`);
    const rolledBack = ctx.book.count('rolled-back');
    const failed = rb.attempted - rolledBack;
    const tally = `rolled back ${rolledBack} host(s)${failed > 0 ? `, rollback failed on ${failed}` : ''}`;
    return outcome('rolled-back', `${reason}; ${tally}`);
}
/**
 * The next batch under the capacity guard: as big as batch-size asks, never so big that fewer than
 * min-healthy-percent of the fleet, or of any one target group, stay healthy and in service.
 * Waits up to health-timeout for capacity to recover; a string is the reason to stop.
 */
async function takeBatch(ctx, remaining, number) {
    const { settings, book, deps } = ctx;
    /** The batch this view allows, or why it allows none. */
    const choose = (v) => {
        const candidates = remaining.filter((h) => isInService(h, v.snap)).map((h) => h.instanceId);
        if (candidates.length === 0)
            return { ids: [] }; // all fell sick: skipped below
        if (v.allowance < 1) {
            return {
                ids: [],
                why: `${v.inService.length} of ${ctx.fleetSize} host(s) in service, ${ctx.minInService} must stay in service (min-healthy-percent ${settings.minHealthyPercent})`
            };
        }
        const size = Math.min(batchSizeAt(settings.batchSize, number - 1, ctx.fleetSize), v.allowance);
        const pick = pickBatch(candidates, size, v.groups, settings.minHealthyPercent);
        return pick.picked.length > 0 ? { ids: pick.picked } : { ids: [], why: pick.blocked };
    };
    const got = await awaitCapacity(ctx, choose);
    if (got.status === 'interrupted')
        return [];
    if (got.status === 'stop')
        return got.reason;
    // A host that fell sick since the pre-check is not taken out: it is skipped, as the pre-check would have.
    for (const h of remaining) {
        if (!isInService(h, got.view.snap)) {
            book.finish(h, 'skipped', {
                step: 'capacity',
                batch: null,
                reason: `before batch ${number}: ${unhealthyReason(h, got.view.snap, ctx.groups) ?? 'not in service'}`
            });
            deps.log.warning(`${h.instanceId} skipped: ${h.reason}`);
        }
    }
    return got.ids.map((id) => book.get(id));
}
/** Every deployed host must still report expected-version at the end. */
async function finalCheck(ctx, expectedVersion) {
    const deployed = ctx.book.inState('deployed');
    if (deployed.length === 0)
        return;
    const { verdicts } = await verifyHealth(ctx, deployed, expectedVersion, Math.min(FINAL_CHECK_MS, ctx.settings.healthTimeoutMs));
    for (const h of deployed) {
        const v = verdicts.get(h.instanceId);
        if (v?.ok)
            continue;
        // It is in service and answering; taking it out now would cut capacity outside the guard.
        // The report shows what the host reports now, not what it reported after its deploy.
        ctx.book.fail(h, 'final-check', `${v?.reason ?? 'no reading'}; left in service`, {
            version: v?.version
        });
        ctx.deps.log.error(`${h.instanceId} failed the final check: ${h.reason}`);
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/journal.ts
// What the main step leaves for the post step: which hosts are out of service and how far their
// cycle got, which locks it holds, which deployment it opened. Saved with core.saveState whenever
// it changes, so a cancelled or crashed run still leaves an up-to-date account.


function outOfServiceHosts(records) {
    return records
        .filter((h) => h.outOfService)
        .map((h) => ({
        instanceId: h.instanceId,
        registrations: h.registrations,
        state: h.state,
        step: h.step,
        commandSent: h.commandSent,
        commandId: h.commandId,
        reason: h.reason,
        cycle: h.cycle
    }));
}
/**
 * Writes the journal when it changed, at most once per turn of the event loop: a batch of 1,000
 * hosts changes records thousands of times, and each write carries every host out of service.
 * The write is queued as a microtask, so it lands before any AWS request made after the change
 * (an SDK call goes through many later microtasks before its socket write): a host marked
 * `commandSent` is on disk before its SendCommand leaves. flush() writes at once (cancel, exit).
 */
class JournalWriter {
    save;
    last = '';
    records;
    queued = false;
    journal;
    constructor(base, save) {
        this.save = save;
        this.journal = { version: 1, finished: false, hosts: [], ...base };
    }
    hosts(records) {
        this.records = records;
        if (this.queued)
            return;
        this.queued = true;
        queueMicrotask(() => this.flush());
    }
    set(patch) {
        Object.assign(this.journal, patch);
        this.flush();
    }
    flush() {
        this.queued = false;
        if (this.records)
            this.journal.hosts = outOfServiceHosts(this.records);
        const json = JSON.stringify(this.journal);
        if (json === this.last)
            return;
        this.last = json;
        this.save(json);
    }
}
/**
 * Saves each journal to one file, replaced atomically (write, then rename): GITHUB_STATE only
 * grows, so the state carries the file's path once and the file carries the journal.
 */
function journalFileSaver(file) {
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(file), { recursive: true });
    return (json) => {
        const tmp = `${file}.tmp`;
        (0,external_node_fs_.writeFileSync)(tmp, json);
        (0,external_node_fs_.renameSync)(tmp, file);
    };
}
function readJournalFile(file) {
    if (!file)
        return undefined;
    try {
        return readJournal((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}
function readJournal(raw) {
    if (!raw)
        return undefined;
    try {
        const j = JSON.parse(raw);
        return j.version === 1 ? j : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/report/json.ts
// The JSON report: one object per host, the same for the `report` output and the report file.

function hostReport(h) {
    return {
        instanceId: h.instanceId,
        batch: h.state === 'skipped' ? null : h.batch,
        state: h.state,
        step: h.step,
        reason: h.reason ?? null,
        commandId: h.commandId ?? null,
        exitCode: h.exitCode ?? null,
        version: h.version ?? null,
        startedAt: isoTime(h.startedAt),
        finishedAt: isoTime(h.finishedAt),
        targetGroups: [...new Set(h.registrations.map((r) => r.targetGroupArn))]
    };
}
function buildReport(outcome) {
    return outcome.hosts.map(hostReport);
}
function countStates(hosts) {
    const n = (s) => hosts.filter((h) => h.state === s).length;
    return {
        deployed: n('deployed'),
        failed: n('failed'),
        skipped: n('skipped'),
        pending: n('pending'),
        rolledBack: n('rolled-back')
    };
}

;// CONCATENATED MODULE: ./src/report/limits.ts
// What the job summary lists when the fleet is large: GitHub drops a step summary above 1 MiB, and
// a table of 5,000 hosts helps nobody. Up to a row limit every host gets a row; past it only failed
// hosts do (capped too), with a line counting the hosts left out and pointing to the JSON report,
// which always lists every host. Output tails get the same treatment. Pure functions: the summary
// renders what they return.
//
// The bound, worst case (every reason 200 characters that each escape to 5 bytes, every tail 4,000
// three-byte characters): 500 rows × ~1.2 KB + 20 tails × 12 KB ≈ 840 KB, plus the gantt (kept under
// 50,000 characters by timeline.ts) and the fixed parts. renderHosts' byte budget stays the last guard.
const DEFAULT_LIMITS = {
    rowLimit: 500,
    failedLimit: 500,
    outputLimit: 20,
    tailChars: 4000,
    reasonChars: 200
};
/** The order hosts are listed in: failed first, the batch, then the instance id. */
const STATE_RANK = {
    failed: 0,
    'rolled-back': 1,
    pending: 2,
    skipped: 3,
    deployed: 4
};
function byPriority(a, b) {
    return (STATE_RANK[a.state] - STATE_RANK[b.state] ||
        (a.batch ?? Infinity) - (b.batch ?? Infinity) ||
        a.instanceId.localeCompare(b.instanceId));
}
function shorten(text, max) {
    if (text === undefined || text.length <= max)
        return text;
    return text.slice(0, max - 1) + '…';
}
function withShortReason(h, max) {
    const reason = shorten(h.reason, max);
    return reason === h.reason ? h : { ...h, reason };
}
const n = (value) => value.toLocaleString('en-US');
function where(reportFile) {
    const file = reportFile ? `: \`${reportFile.replace(/`/g, '')}\`` : '';
    return `Every host is in the \`report\` output and in the JSON file of the \`report-file\` output${file} (upload it with actions/upload-artifact to keep it after the job).`;
}
/** The hosts to list in the summary's host table. */
function limitHostRows(hosts, limits = {}, reportFile) {
    const l = { ...DEFAULT_LIMITS, ...limits };
    const sorted = [...hosts].sort(byPriority);
    if (sorted.length <= l.rowLimit) {
        return {
            rows: sorted.map((h) => withShortReason(h, l.reasonChars)),
            total: sorted.length,
            omitted: 0,
            omittedByState: {},
            omittedFailed: 0
        };
    }
    const failed = sorted.filter((h) => h.state === 'failed');
    const others = sorted.filter((h) => h.state !== 'failed');
    const shownFailed = failed.slice(0, l.failedLimit);
    const shownOthers = others.slice(0, Math.max(0, l.rowLimit - shownFailed.length));
    const rows = [...shownFailed, ...shownOthers].map((h) => withShortReason(h, l.reasonChars));
    const left = [...failed.slice(shownFailed.length), ...others.slice(shownOthers.length)];
    const omittedByState = {};
    for (const h of left)
        omittedByState[h.state] = (omittedByState[h.state] ?? 0) + 1;
    const omittedFailed = failed.length - shownFailed.length;
    const breakdown = Object.keys(STATE_RANK)
        .filter((s) => omittedByState[s])
        .map((s) => `${n(omittedByState[s])} ${s}`)
        .join(', ');
    const listed = omittedFailed > 0
        ? `the first ${n(shownFailed.length)} of ${n(failed.length)} failed hosts`
        : failed.length > 0
            ? `every failed host (${n(failed.length)})${shownOthers.length ? ` and ${n(shownOthers.length)} others` : ''}`
            : `the first ${n(shownOthers.length)}`;
    const note = `_Listed ${n(rows.length)} of ${n(sorted.length)} hosts: ${listed}; ` +
        `${n(left.length)} not listed (${breakdown}). Past ${n(l.rowLimit)} hosts the summary lists failed hosts first and keeps within GitHub's 1 MiB limit. ${where(reportFile)}_`;
    return { rows, total: sorted.length, omitted: left.length, omittedByState, omittedFailed, note };
}
/** The failed hosts whose command output the summary shows, each tail cut from the front. */
function limitOutputTails(hosts, limits = {}, reportFile) {
    const l = { ...DEFAULT_LIMITS, ...limits };
    const withOutput = hosts.filter((h) => h.state === 'failed' && h.outputTail).sort(byPriority);
    const shown = withOutput.slice(0, l.outputLimit).map((h) => {
        const tail = h.outputTail;
        return tail.length <= l.tailChars
            ? h
            : { ...h, outputTail: '…' + tail.slice(tail.length - l.tailChars + 1) };
    });
    const omitted = withOutput.length - shown.length;
    const note = omitted > 0
        ? `_Output of ${n(omitted)} more failed host(s) not shown. The report gives each host's \`commandId\`: \`aws ssm get-command-invocation --command-id <id> --instance-id <instance>\` prints its output. ${where(reportFile)}_`
        : undefined;
    return { hosts: shown, omitted, note };
}

;// CONCATENATED MODULE: ./src/report/timeline.ts
// The run as pictures for the job summary: a Mermaid gantt of the batches (drain, command,
// verify, restore per batch; batches with failed hosts marked critical, with a milestone naming
// them) and a table of in-service capacity over time. Pure functions returning Markdown.
//
// GitHub renders ```mermaid fences in job summaries (written raw, not through addCodeBlock, which
// makes an HTML <pre>). Mermaid refuses diagrams above 50,000 characters, so a long run keeps the
// canary, every failed batch and the last batch in detail and folds the rest into ranges.

const DEFAULTS = {
    maxDetailedBatches: 40,
    maxNamedHosts: 5,
    maxCapacityRows: 24
};
/** What the gantt calls each phase. */
const PHASE_LABEL = {
    capacity: 'capacity wait',
    drain: 'drain',
    command: 'command',
    verify: 'verify',
    restore: 'restore',
    canary: 'canary watch'
};
/**
 * Text safe inside a Mermaid gantt task or section name: `:` starts the task data, `;` and line
 * breaks end a statement, `#` starts an entity code, `%%` a comment. Anything outside a small
 * allow-list becomes a space.
 */
function mermaidSafe(text) {
    return text
        .replace(/[^A-Za-z0-9 _.,()/+=@-]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
}
function batchLabel(b) {
    if (b.kind === 'rollback')
        return `Rollback batch ${b.number}`;
    return b.number === 1 ? 'Batch 1 (canary)' : `Batch ${b.number}`;
}
function batchEnd(b, o) {
    const phaseEnds = b.phases.map((p) => p.finishedAt ?? p.startedAt);
    return Math.max(b.finishedAt ?? o.finishedAt, b.startedAt, ...phaseEnds);
}
function namedHosts(ids, max) {
    const shown = ids.slice(0, max).join(', ');
    return ids.length > max ? `${shown} +${ids.length - max} more` : shown;
}
/** A gantt task line: `name :tags, start, end` with ms timestamps (dateFormat x). */
function task(name, tags, start, end) {
    const s = Math.round(start);
    const e = Math.max(s, Math.round(end));
    return `    ${mermaidSafe(name) || 'task'} :${[...tags, String(s), String(e)].join(', ')}`;
}
function detailedBatch(b, o, maxNamed) {
    const failed = b.failed.length > 0;
    const lines = [`  section ${mermaidSafe(`${batchLabel(b)}, ${b.instanceIds.length} host(s)`)}`];
    for (const p of [...b.phases].sort((x, y) => x.startedAt - y.startedAt)) {
        const end = p.finishedAt ?? b.finishedAt ?? o.finishedAt;
        const tags = [...(failed ? ['crit'] : []), p.finishedAt === undefined ? 'active' : 'done'];
        lines.push(task(`${PHASE_LABEL[p.phase]} ${formatDuration(end - p.startedAt)}`, tags, p.startedAt, end));
    }
    if (b.phases.length === 0) {
        lines.push(task(`batch ${formatDuration(batchEnd(b, o) - b.startedAt)}`, failed ? ['crit', 'done'] : ['done'], b.startedAt, batchEnd(b, o)));
    }
    if (failed) {
        const at = batchEnd(b, o);
        lines.push(task(`${b.failed.length} failed ${namedHosts(b.failed, maxNamed)}`, ['milestone', 'crit'], at, at));
    }
    return lines;
}
function foldedRange(batches, o) {
    const first = batches[0];
    const last = batches[batches.length - 1];
    const hosts = batches.reduce((n, b) => n + b.instanceIds.length, 0);
    const failed = batches.reduce((n, b) => n + b.failed.length, 0);
    const kind = first.kind === 'rollback' ? 'Rollback batches' : 'Batches';
    const name = batches.length === 1 ? batchLabel(first) : `${kind} ${first.number}-${last.number}`;
    const start = first.startedAt;
    const end = Math.max(...batches.map((b) => batchEnd(b, o)));
    const label = `${batches.length} batch(es), ${hosts} host(s)${failed ? `, ${failed} failed` : ''}, ${formatDuration(end - start)}`;
    return [
        `  section ${mermaidSafe(name)}`,
        task(label, failed ? ['crit', 'done'] : ['done'], start, end)
    ];
}
/** Which batches are drawn in detail: the canary, failed ones, the last one, then the earliest. */
function detailedSet(batches, max) {
    if (batches.length <= max)
        return new Set(batches);
    const keep = new Set();
    const add = (b) => {
        if (b && keep.size < max)
            keep.add(b);
    };
    add(batches[0]);
    add(batches[batches.length - 1]);
    for (const b of batches)
        if (b.failed.length > 0)
            add(b);
    for (const b of batches)
        if (b.kind !== batches[0].kind) {
            add(b); // the first batch of a rollback phase
            break;
        }
    return keep;
}
/**
 * The batches as a Mermaid gantt, in a ```mermaid fence; '' when no batch ran. Times are the
 * real clock times of the run (the viewer's time zone), with each bar's duration in its name.
 */
function renderGantt(o, options = {}) {
    if (o.batches.length === 0)
        return '';
    const opts = { ...DEFAULTS, ...options };
    const batches = [...o.batches].sort((a, b) => a.startedAt - b.startedAt);
    const detailed = detailedSet(batches, opts.maxDetailedBatches);
    const failedHosts = batches.reduce((n, b) => n + b.failed.length, 0);
    const lines = [
        '```mermaid',
        'gantt',
        `  title ${mermaidSafe(`rolling-deploy ${o.result}, ${batches.length} batch(es), ${failedHosts} failed host(s), ${formatDuration(o.finishedAt - o.startedAt)}`)}`,
        '  dateFormat x',
        '  axisFormat %H:%M:%S'
    ];
    let run = [];
    const flush = () => {
        if (run.length > 0)
            lines.push(...foldedRange(run, o));
        run = [];
    };
    for (const b of batches) {
        if (detailed.has(b)) {
            flush();
            lines.push(...detailedBatch(b, o, opts.maxNamedHosts));
        }
        else {
            if (run.length > 0 && run[0].kind !== b.kind)
                flush();
            run.push(b);
        }
    }
    flush();
    lines.push('```');
    return lines.join('\n');
}
/** Hosts in service over time as a table with a bar per row; '' when nothing was sampled. */
function renderCapacity(o, options = {}) {
    const samples = [...o.capacity].sort((a, b) => a.at - b.at);
    if (samples.length === 0)
        return '';
    const opts = { ...DEFAULTS, ...options };
    const rows = capacityRows(samples, o, opts.maxCapacityRows);
    const lowest = samples.reduce((low, s) => (s.inService < low.inService ? s : low), samples[0]);
    const fleet = Math.max(o.fleetSize, ...samples.map((s) => s.inService), 1);
    const head = [
        `Lowest: **${lowest.inService}** of ${o.fleetSize} host(s) in service at +${formatDuration(lowest.at - o.startedAt)} (at least ${o.minInService} required). Sampled whenever a host went out or came back, and from the load balancer before each batch.`,
        '',
        legend(fleet, o.minInService),
        '',
        '| time | in service | |',
        '| --- | --- | --- |'
    ];
    const body = rows.map((r) => {
        const value = r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`;
        const flag = r.min < o.minInService ? ' ⚠️ below minimum' : '';
        return `| +${formatDuration(r.at - o.startedAt)} | ${value} / ${o.fleetSize} | \`${bar(r.min, fleet, o.minInService)}\`${flag} |`;
    });
    return [...head, ...body].join('\n');
}
/** Changes only; past `max` rows, equal time windows with the lowest and highest value in each. */
function capacityRows(samples, o, max) {
    const changes = [];
    for (const s of samples) {
        const prev = changes[changes.length - 1];
        if (prev && prev.min === s.inService)
            continue;
        changes.push({ at: s.at, min: s.inService, max: s.inService });
    }
    if (changes.length <= max)
        return changes;
    const start = samples[0].at;
    const end = Math.max(samples[samples.length - 1].at, o.finishedAt, start + 1);
    const width = (end - start) / max;
    const windows = [];
    for (const s of samples) {
        const i = Math.min(max - 1, Math.floor((s.at - start) / width));
        const at = start + i * width;
        const w = windows[windows.length - 1];
        if (w && w.at === at) {
            w.min = Math.min(w.min, s.inService);
            w.max = Math.max(w.max, s.inService);
        }
        else {
            windows.push({ at, min: s.inService, max: s.inService });
        }
    }
    return windows;
}
const BAR_WIDTH = 20;
/** What the bars' characters mean, said once above the table. */
function legend(fleet, minimum) {
    const scale = fleet <= BAR_WIDTH
        ? `${Number((BAR_WIDTH / fleet).toFixed(1))} character(s) per host`
        : `one character ≈ ${Number((fleet / BAR_WIDTH).toFixed(1))} hosts`;
    const mark = minimum > 0 ? `, \`|\` the minimum to keep in service (${minimum})` : '';
    return `Each bar is the fleet of ${fleet} host(s), ${scale}: \`█\` in service, \`░\` out of service${mark}.`;
}
/** `████████|███░░░░░░░`: in service out of the fleet, `|` where the minimum lies. */
function bar(value, fleet, minimum) {
    const filled = Math.round((Math.max(0, value) / fleet) * BAR_WIDTH);
    const mark = Math.min(BAR_WIDTH - 1, Math.max(0, Math.round((minimum / fleet) * BAR_WIDTH)));
    let out = '';
    for (let i = 0; i < BAR_WIDTH; i++) {
        if (i === mark && minimum > 0)
            out += '|';
        else
            out += i < filled ? '█' : '░';
    }
    return out;
}
/** Both pictures under their headings, for the job summary; '' when there is nothing to draw. */
function renderTimelineSection(o, options = {}) {
    const parts = [];
    const gantt = renderGantt(o, options);
    if (gantt)
        parts.push('### Timeline', gantt);
    const capacity = renderCapacity(o, options);
    if (capacity)
        parts.push('### In service over time', capacity);
    return parts.join('\n\n');
}

;// CONCATENATED MODULE: ./src/report/summary.ts
// The job summary as Markdown: result and counts, settings, batch timeline, one row per host
// (failed first), and each failed host's output tail in a collapsed block.




const ICON = {
    success: '✅',
    failed: '❌',
    'rolled-back': '↩️',
    cancelled: '⏹️',
    'dry-run': '📝'
};
const STATE_ORDER = ['failed', 'rolled-back', 'pending', 'skipped', 'deployed'];
/** GitHub drops a step's whole summary above 1 MiB: stay well below, whatever the fleet. */
const SUMMARY_LIMIT_BYTES = 1_000_000;
const bytes = (text) => Buffer.byteLength(text, 'utf8');
/** Table cells must not break the table: pipes escaped, newlines folded, HTML neutralised. */
function cell(value) {
    if (value === undefined || value === null || value === '')
        return '-';
    return String(value)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/\r\n|\r|\n/g, ' ');
}
function amount(a) {
    return a.kind === 'percent' ? `${a.value}%` : String(a.value);
}
function renderSettings(s) {
    const rows = [
        ['target-groups', s.targetGroups.join(', ')],
        [
            s.deploy.kind === 'command' ? 'command' : 'document',
            s.deploy.kind === 'command' ? 'AWS-RunShellScript' : s.deploy.name
        ],
        ['batch-size', s.batchSize.map(amount).join(', ')],
        ['min-healthy-percent', `${s.minHealthyPercent}%`],
        ['max-failures', amount(s.maxFailures)],
        ['expected-version', s.expectedVersion ?? '-'],
        [
            'health',
            `${s.healthPath ?? '(target group path)'} on ${s.healthPort ?? '(target group port)'}`
        ],
        [
            'timeouts',
            `drain ${s.drainTimeoutMs !== undefined ? formatDuration(s.drainTimeoutMs) : 'delay+1m'}, command ${formatDuration(s.commandTimeoutMs)}, health ${formatDuration(s.healthTimeoutMs)}`
        ],
        ['canary-wait', formatDuration(s.canaryWaitMs)],
        ['on-failure', s.onFailure],
        ['skip-unhealthy', String(s.skipUnhealthy)],
        ['dry-run', String(s.dryRun)]
    ];
    return [
        '| setting | value |',
        '| --- | --- |',
        ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)
    ].join('\n');
}
function renderTimeline(o, budgetBytes = Infinity) {
    if (o.batches.length === 0)
        return '_No batch ran._';
    const lines = [
        '| batch | kind | hosts | started | duration | drain | command | verify | restore | failed |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
    ];
    let used = bytes(lines.join('\n'));
    for (const [i, b] of o.batches.entries()) {
        const phase = (name) => {
            const p = b.phases.find((x) => x.phase === name);
            return p ? formatDuration((p.finishedAt ?? o.finishedAt) - p.startedAt) : '-';
        };
        const row = `| ${b.number} | ${b.kind} | ${b.instanceIds.length} | +${formatDuration(b.startedAt - o.startedAt)} | ${formatDuration((b.finishedAt ?? o.finishedAt) - b.startedAt)} | ${phase('drain')} | ${phase('command')} | ${phase('verify')} | ${phase('restore')} | ${b.failed.length ? cell(b.failed.join(', ')) : '-'} |`;
        if (used + bytes(row) + 200 > budgetBytes) {
            lines.push('', `_${o.batches.length - i} more batch(es) left out: the job summary is limited to 1 MiB._`);
            break;
        }
        lines.push(row);
        used += bytes(row) + 1;
    }
    return lines.join('\n');
}
function sortHosts(hosts) {
    return [...hosts].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
        (a.batch ?? Infinity) - (b.batch ?? Infinity) ||
        a.instanceId.localeCompare(b.instanceId));
}
function hostRow(h) {
    const duration = h.startedAt !== undefined && h.finishedAt !== undefined
        ? formatDuration(h.finishedAt - h.startedAt)
        : '-';
    const batch = h.state === 'skipped' ? null : h.batch;
    return `| ${cell(h.instanceId)} | ${cell(batch)} | ${cell(h.state)} | ${cell(h.step)} | ${cell(h.reason)} | ${cell(h.exitCode)} | ${duration} | ${cell(h.version)} |`;
}
function renderHosts(hosts, budgetBytes = Infinity) {
    const lines = [
        '| instance | batch | state | step | reason | exit code | duration | version |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |'
    ];
    const sorted = sortHosts(hosts);
    let used = bytes(lines.join('\n'));
    for (const [i, h] of sorted.entries()) {
        const row = hostRow(h);
        if (used + bytes(row) + 200 > budgetBytes) {
            lines.push('', `_${sorted.length - i} more host(s) left out: the job summary is limited to 1 MiB. The \`report\` output lists every host._`);
            break;
        }
        lines.push(row);
        used += bytes(row) + 1;
    }
    return lines.join('\n');
}
function outputBlock(h) {
    const text = h.outputTail.replace(/```/g, '`\u200b``');
    return `<details><summary>${cell(h.instanceId)}: command output (tail)</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>`;
}
function renderOutputs(hosts, budgetBytes = Infinity) {
    const failed = hosts.filter((h) => h.state === 'failed' && h.outputTail);
    const blocks = [];
    let used = 0;
    for (const [i, h] of failed.entries()) {
        const block = outputBlock(h);
        if (used + bytes(block) + 200 > budgetBytes) {
            blocks.push(`_Output of ${failed.length - i} more failed host(s) left out: the job summary is limited to 1 MiB._`);
            break;
        }
        blocks.push(block);
        used += bytes(block) + 2;
    }
    return blocks.join('\n\n');
}
function renderSummary(o, settings, reportFile) {
    const c = countStates(o.hosts);
    const head = [
        `## ${ICON[o.result] ?? ''} rolling-deploy: ${o.result}`.replace('  ', ' '),
        `**${c.deployed}** deployed · **${c.failed}** failed · **${c.skipped}** skipped · **${c.pending}** pending${c.rolledBack ? ` · **${c.rolledBack}** rolled back` : ''} — ${o.fleetSize} host(s), at least ${o.minInService} kept in service, ${formatDuration(o.finishedAt - o.startedAt)}`
    ];
    if (o.reason)
        head.push(`> ${cell(o.reason)}`);
    const timeline = ['### Batches', renderTimeline(o, SUMMARY_LIMIT_BYTES / 4)];
    const pictures = renderTimelineSection(o);
    const settingsBlock = '<details><summary>Settings</summary>\n\n' + renderSettings(settings) + '\n\n</details>';
    const rows = limitHostRows(o.hosts, {}, reportFile);
    const tails = limitOutputTails(o.hosts, {}, reportFile);
    // Hosts get what the fixed parts leave, output tails what the hosts leave: GitHub drops a
    // summary over 1 MiB whole.
    let budget = SUMMARY_LIMIT_BYTES - bytes([...head, ...timeline, pictures, settingsBlock].join('\n\n')) - 400;
    const hostTable = renderHosts(rows.rows, budget) + (rows.note ? `\n\n${rows.note}` : '');
    budget -= bytes(hostTable);
    const outputs = renderOutputs(tails.hosts, budget);
    const parts = [...head, '### Hosts', hostTable, ...timeline];
    if (pictures)
        parts.push(pictures);
    if (outputs)
        parts.push('### Output of failed hosts', outputs);
    if (tails.note)
        parts.push(tails.note);
    parts.push(settingsBlock);
    return parts.join('\n\n') + '\n';
}

;// CONCATENATED MODULE: ./src/report/publish.ts
// Everything a finished run tells its workflow: outputs, the JSON report file, the job summary.







async function writeReportFile(json, env = process.env) {
    const dir = env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
    await (0,promises_.mkdir)(dir, { recursive: true });
    const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-') || String(process.pid);
    const file = (0,external_node_path_.join)(dir, `rolling-deploy-report-${run}.json`);
    await (0,promises_.writeFile)(file, json + '\n', 'utf8');
    return file;
}
async function publish(outcome, settings) {
    const report = buildReport(outcome);
    const json = JSON.stringify(report);
    const counts = countStates(outcome.hosts);
    core/* setOutput */.uH(constants/* Output */.k7.Result, outcome.result);
    core/* setOutput */.uH(constants/* Output */.k7.Deployed, counts.deployed);
    core/* setOutput */.uH(constants/* Output */.k7.Failed, counts.failed);
    core/* setOutput */.uH(constants/* Output */.k7.Skipped, counts.skipped);
    core/* setOutput */.uH(constants/* Output */.k7.Pending, counts.pending);
    core/* setOutput */.uH(constants/* Output */.k7.Report, json);
    const reportFile = await writeReportFile(JSON.stringify(report, null, 2));
    core/* setOutput */.uH(constants/* Output */.k7.ReportFile, reportFile);
    if (process.env.GITHUB_STEP_SUMMARY) {
        await core/* summary */.z.addRaw(renderSummary(outcome, settings, reportFile)).write();
    }
}

;// CONCATENATED MODULE: ./src/core-log.ts
// The rollout's Log on the GitHub runner: plain lines, annotations, collapsible groups.

const coreLog = {
    info: (m) => core/* info */.pq(m),
    warning: (m) => core/* warning */.$e(m),
    error: (m) => core/* error */.z3(m),
    group: (name, fn) => core/* group */.Os(name, fn)
};

// EXTERNAL MODULE: ../main/node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(2925);
;// CONCATENATED MODULE: ./src/github/deployment.ts
// The GitHub deployment recorded for `environment`: created when the rollout starts, set
// `in_progress` with a link to the run, then `success` or `failure` at the end (or from the post
// step after a cancel, through the deployment id the main step saved). Recording it is a courtesy
// to the people watching the environment: it never fails the deploy. A token without
// `deployments: write` gets one warning naming the permissions to add, and nothing else.



/** GitHub cuts deployment and status descriptions at 140 characters. */
const DESCRIPTION_MAX = 140;
/** A GitHub API call that hangs must not hold up the deploy. */
const API_TIMEOUT_MS = 20_000;
const PERMISSIONS_HINT = [
    'permissions:',
    '  deployments: write',
    '  contents: read',
    '  id-token: write   # only if AWS credentials come from OIDC (configure-aws-credentials)'
].join('\n');
/** The real API: octokit from @actions/github (GITHUB_API_URL, proxy settings included). */
function octokitDeployments(token, options = {}) {
    const octokit = (0,github/* getOctokit */.Q)(token, options.baseUrl ? { baseUrl: options.baseUrl } : {});
    const request = () => ({ signal: AbortSignal.timeout(API_TIMEOUT_MS) });
    return {
        createDeployment: (params) => octokit.rest.repos.createDeployment({ ...params, request: request() }),
        createDeploymentStatus: (params) => octokit.rest.repos.createDeploymentStatus({ ...params, request: request() })
    };
}
/** The link a deployment status points at: this workflow run. */
function runLogUrl(env = process.env) {
    const server = env.GITHUB_SERVER_URL || 'https://github.com';
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID)
        return undefined;
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}
/** success → success; failed, rolled-back and cancelled → failure; a dry run records nothing. */
function deploymentState(result) {
    return result === 'success' ? 'success' : result === 'dry-run' ? 'inactive' : 'failure';
}
/** A one-line description of a finished run for its deployment status (≤ 140 characters). */
function describeOutcome(outcome) {
    const c = countStates(outcome.hosts);
    const counts = [
        `${c.deployed} deployed`,
        `${c.failed} failed`,
        c.rolledBack ? `${c.rolledBack} rolled back` : '',
        c.pending ? `${c.pending} pending` : '',
        c.skipped ? `${c.skipped} skipped` : ''
    ]
        .filter(Boolean)
        .join(', ');
    return clip(`rolling-deploy ${outcome.result}: ${counts}${outcome.reason ? ` (${outcome.reason})` : ''}`);
}
function clip(text) {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length <= DESCRIPTION_MAX ? oneLine : oneLine.slice(0, DESCRIPTION_MAX - 1) + '…';
}
function httpStatus(err) {
    const status = err?.status;
    return typeof status === 'number' ? status : undefined;
}
function errorText(err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.split('\n')[0].slice(0, 300);
}
/**
 * One deployment for one run. `start()` creates it and sets it in progress; `finish()` sets the
 * final state. Every problem becomes a warning (at most one per run) and the rest is skipped.
 */
class GitHubDeployment {
    options;
    deployment;
    warned = false;
    env;
    warnFn;
    constructor(options) {
        this.options = options;
        this.env = options.env ?? process.env;
        this.warnFn = options.warn ?? ((message) => core/* warning */.$e(message));
    }
    /** The deployment once created, e.g. to save its id for the post step. */
    get current() {
        return this.deployment;
    }
    async start() {
        const { environment } = this.options;
        const repo = repository(this.env);
        const sha = this.env.GITHUB_SHA;
        if (!repo || !sha) {
            this.warn(`rolling-deploy: no GitHub deployment recorded for environment "${environment}": GITHUB_REPOSITORY and GITHUB_SHA are not set (not running in GitHub Actions?). The deploy goes on.`);
            return undefined;
        }
        const api = this.api();
        if (!api)
            return undefined;
        let id;
        try {
            const res = await api.createDeployment({
                ...repo,
                ref: sha,
                environment,
                required_contexts: [],
                auto_merge: false,
                transient_environment: false,
                task: 'deploy',
                payload: { tool: 'rolling-deploy' },
                description: clip(this.options.description ?? `rolling-deploy of ${sha.slice(0, 7)}`)
            });
            const created = res.data?.id;
            if (typeof created !== 'number') {
                const message = res.data?.message;
                throw new Error(`GitHub did not create a deployment (HTTP ${res.status}${message ? `: ${String(message)}` : ''})`);
            }
            id = created;
        }
        catch (err) {
            this.failed(err, 'create');
            return undefined;
        }
        this.deployment = { id, environment };
        await this.setStatus(id, 'in_progress', `rolling-deploy: rolling ${sha.slice(0, 7)} out`);
        return this.deployment;
    }
    /** Sets the final state of the deployment `start()` created; nothing when there is none. */
    async finish(result, description) {
        if (!this.deployment)
            return;
        await this.setStatus(this.deployment.id, deploymentState(result), description ?? `rolling-deploy ${result}`);
    }
    /** Sets a status on a deployment by id (the post step's path after a cancel). */
    async setStatus(id, state, description) {
        const repo = repository(this.env);
        const api = this.api();
        if (!repo || !api)
            return false;
        try {
            await api.createDeploymentStatus({
                ...repo,
                deployment_id: id,
                state,
                log_url: runLogUrl(this.env),
                description: description === undefined ? undefined : clip(description)
            });
            return true;
        }
        catch (err) {
            this.failed(err, state);
            return false;
        }
    }
    api() {
        if (this.options.api)
            return this.options.api;
        if (!this.options.token) {
            this.warn(`rolling-deploy: no GitHub deployment recorded for environment "${this.options.environment}": the github-token input is empty. The deploy goes on.`);
            return undefined;
        }
        try {
            this.options.api = octokitDeployments(this.options.token);
            return this.options.api;
        }
        catch (err) {
            this.failed(err, 'create');
            return undefined;
        }
    }
    failed(err, what) {
        const status = httpStatus(err);
        const env = this.options.environment;
        const step = what === 'create'
            ? 'record a GitHub deployment'
            : `set the GitHub deployment status "${what}"`;
        if (status === 403 || status === 404) {
            this.warn(`rolling-deploy could not ${step} for environment "${env}": the github-token was refused (HTTP ${status}: ${errorText(err)}). ` +
                'The deploy itself goes on. To record deployments, give the job the deployments: write permission, e.g.\n\n' +
                PERMISSIONS_HINT +
                '\n\nA permissions: block replaces the defaults: list every permission the job needs.');
        }
        else {
            this.warn(`rolling-deploy could not ${step} for environment "${env}"${status ? ` (HTTP ${status})` : ''}: ${errorText(err)}. The deploy itself goes on.`);
        }
    }
    warn(message) {
        if (this.warned)
            return;
        this.warned = true;
        this.warnFn(message);
    }
}
function repository(env) {
    const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo || rest.length > 0)
        return undefined;
    return { owner, repo };
}
/**
 * Starts the deployment for a run, or does nothing: no `environment`, or a dry run (a plan is not
 * a deployment, and a pull-request check must not mark the environment as deployed).
 */
async function startDeployment(settings, options = {}) {
    if (!settings.environment || settings.dryRun)
        return undefined;
    const deployment = new GitHubDeployment({
        environment: settings.environment,
        token: settings.githubToken,
        description: `rolling-deploy to ${settings.targetGroups.join(', ')}`,
        ...options
    });
    await deployment.start();
    return deployment;
}
/**
 * The post step's half: after a cancelled or crashed main step, marks the deployment it saved
 * (`journal.deploymentId`) as failed. Warns at most once, never throws.
 */
async function finishDeployment(id, state, options) {
    const deployment = new GitHubDeployment({
        ...options,
        environment: options.environment ?? '(saved deployment)'
    });
    return deployment.setStatus(id, state, options.description ?? 'rolling-deploy cancelled: see the post step');
}

;// CONCATENATED MODULE: ./src/main.ts
// The main step: inputs → rollout → report. Everything here is wiring; the logic lives below.


















/** After SIGINT the runner kills the step 10 s later: exit on our own terms before that. */
const CANCEL_EXIT_MS = 6_000;
function runUrl(env = process.env) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID)
        return `local run (pid ${process.pid})`;
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}
async function run() {
    core/* saveState */.LZ(constants/* State */.Uw.IsPost, 'true');
    const parsed = parseInputs((name) => core/* getInput */.V4(name));
    if (!parsed.ok) {
        for (const e of parsed.errors)
            core/* error */.z3(formatInputError(e), { title: `Invalid input: ${e.input}` });
        core/* setOutput */.uH(constants/* Output */.k7.Result, 'failed');
        core/* setFailed */.C1(`${parsed.errors.length} invalid input(s): nothing was read or changed in AWS`);
        return;
    }
    const settings = parsed.settings;
    if (settings.githubToken)
        core/* setSecret */.Pq(settings.githubToken);
    const clients = createClients(settings.region);
    const locks = new SsmLockStore(clients.ssm);
    const journalFile = (0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), `rolling-deploy-journal-${process.env.GITHUB_RUN_ID ?? process.pid}-${process.env.GITHUB_ACTION ?? 'step'}.json`);
    core/* saveState */.LZ(constants/* State */.Uw.Journal, journalFile);
    const journal = new JournalWriter({ region: settings.region, runUrl: runUrl() }, journalFileSaver(journalFile));
    // A crash still leaves the latest account for the post step.
    process.once('exit', () => journal.flush());
    let held;
    let deployment;
    const controller = new AbortController();
    const cancel = (signal) => {
        if (controller.signal.aborted)
            return;
        core/* warning */.$e(`${signal} received: starting no new work; the post step restores what it can`);
        controller.abort();
        journal.set({ result: 'cancelled' });
        journal.flush();
        core/* setOutput */.uH(constants/* Output */.k7.Result, 'cancelled');
        setTimeout(() => process.exit(1), CANCEL_EXIT_MS).unref();
    };
    process.once('SIGINT', () => cancel('SIGINT'));
    process.once('SIGTERM', () => cancel('SIGTERM'));
    try {
        deployment = await startDeployment(settings);
        if (deployment?.current)
            journal.set({ deploymentId: deployment.current.id });
        const outcome = await rollout(settings, {
            ...awsPorts(clients),
            clock: systemClock,
            log: coreLog,
            signal: controller.signal,
            onChange: (hosts) => journal.hosts(hosts),
            lock: async (groups, hostCount) => {
                held = await acquireLocks(locks, groups, runUrl(), worstCaseMs(settings, hostCount, groups), systemClock, coreLog);
                journal.set({ locks: held });
            }
        });
        if (outcome.result !== 'cancelled') {
            if (held)
                await releaseLocks(locks, held, coreLog);
            journal.set({ finished: true, result: outcome.result, locks: undefined });
        }
        await publish(outcome, settings);
        if (outcome.result !== 'cancelled') {
            await deployment?.finish(outcome.result, describeOutcome(outcome));
            journal.set({ deploymentId: undefined });
        }
        if (outcome.result !== 'success' && outcome.result !== 'dry-run') {
            core/* setFailed */.C1(`rolling-deploy ${outcome.result}${outcome.reason ? `: ${outcome.reason}` : ''}`);
        }
    }
    catch (err) {
        // Nothing was changed before the rollout gets this far with an error of this kind, but a lock
        // may have been taken: let it go, and tell the post step there is nothing to restore.
        if (held)
            await releaseLocks(locks, held, coreLog);
        journal.set({ finished: true, result: 'failed', locks: undefined });
        core/* setOutput */.uH(constants/* Output */.k7.Result, 'failed');
        const message = err instanceof ConfigError
            ? err.message
            : `AWS error: ${errorName(err)}: ${errorMessage(err)}`;
        await deployment?.finish('failed', message);
        journal.set({ deploymentId: undefined });
        core/* setFailed */.C1(message);
    }
}
function worstCaseMs(settings, hostCount, groups) {
    const delayS = Math.max(0, ...groups.map((g) => g.deregistrationDelaySeconds));
    const ids = Array.from({ length: hostCount }, (_, i) => String(i));
    const batches = planBatches(settings.batchSize, ids, hostCount, settings.minHealthyPercent)
        .batches.length;
    return lockTtlMs({
        drainMs: settings.drainTimeoutMs ?? (delayS + 60) * 1000,
        commandMs: settings.commandTimeoutMs,
        healthMs: settings.healthTimeoutMs,
        canaryMs: settings.canaryWaitMs
    }, batches * (settings.onFailure === 'rollback' ? 2 : 1));
}

;// CONCATENATED MODULE: ./src/post.ts
// The post step (post-if: always()). After a cancelled or crashed main step it registers back
// every host that was drained but never got its command, releases the locks, and reports every
// host it could not restore. After a normal run it only says so.











/**
 * A host goes back in when no command reached it in the cycle it was in (drained for its deploy,
 * or a deployed host drained for its rollback), or when its command ended and its health was
 * verified (it was being registered back). A failed host, or one whose command was in flight or
 * not yet verified, stays out for a person to look at.
 */
function canRestore(h) {
    if (h.state === 'failed' || h.state === 'skipped')
        return false;
    if (!h.commandSent)
        return true;
    return h.cycle !== undefined && h.step === 'restore';
}
function whyLeftOut(h) {
    const rollback = h.cycle === 'rollback';
    const command = `${rollback ? 'rollback command' : 'command'} ${h.commandId ?? '(id unknown)'}`;
    const where = !h.commandSent
        ? `its ${rollback ? 'rollback' : 'cycle'} stopped at ${h.step}`
        : h.step === 'command'
            ? `its ${command} was in flight when the run stopped`
            : `its ${command} had ended but its health was not verified when the run stopped (step ${h.step})`;
    if (rollback) {
        const before = h.state === 'failed' ? `; its deploy had failed${h.reason ? `: ${h.reason}` : ''}` : '';
        return `${where}${before}; check the host, then register it back`;
    }
    if (h.state === 'failed')
        return `failed at ${h.step}: ${h.reason ?? 'see the main step'}`;
    if (h.commandSent)
        return `${where}; check the host, then register it back`;
    return `out of service at step ${h.step}`;
}
async function restoreAfterCancel(journal, deps) {
    const out = { restored: [], leftOut: [], releasedLocks: [] };
    const restore = journal.hosts.filter(canRestore);
    for (const h of journal.hosts.filter((x) => !canRestore(x)))
        out.leftOut.push({ host: h, why: whyLeftOut(h) });
    const byGroup = new Map();
    for (const h of restore) {
        for (const r of h.registrations) {
            byGroup.set(r.targetGroupArn, [
                ...(byGroup.get(r.targetGroupArn) ?? []),
                { instanceId: h.instanceId, port: r.port }
            ]);
        }
    }
    const failedGroups = new Map();
    for (const [arn, targets] of byGroup) {
        try {
            await deps.lb.register(arn, targets);
        }
        catch (err) {
            failedGroups.set(arn, errorMessage(err));
        }
    }
    for (const h of restore) {
        const failure = h.registrations.map((r) => failedGroups.get(r.targetGroupArn)).find(Boolean);
        if (failure)
            out.leftOut.push({ host: h, why: `could not register it back: ${failure}` });
        else
            out.restored.push(h);
    }
    if (journal.locks)
        out.releasedLocks = await releaseLocks(deps.locks, journal.locks, deps.log);
    for (const { host, why } of out.leftOut)
        deps.log.warning(`${host.instanceId} left out of service: ${why}`);
    return out;
}
function renderPostSummary(journal, out) {
    const lines = [
        `## ⏹️ rolling-deploy: ${journal.result ?? 'cancelled'} — post step`,
        `Registered back **${out.restored.length}** host(s) that were drained but never got the command; **${out.leftOut.length}** host(s) left out of service; released ${out.releasedLocks.length} lock(s).`
    ];
    if (out.leftOut.length > 0) {
        lines.push('### Hosts left out of service', '| instance | step | command | why |', '| --- | --- | --- | --- |', ...out.leftOut.map(({ host, why }) => `| ${cell(host.instanceId)} | ${cell(host.step)} | ${cell(host.commandId)} | ${cell(why)} |`));
    }
    if (out.restored.length > 0) {
        lines.push('### Registered back', out.restored.map((h) => `\`${h.instanceId}\``).join(', '));
    }
    return lines.join('\n\n') + '\n';
}
async function post() {
    const journal = readJournalFile(core/* getState */.Gu(constants/* State */.Uw.Journal));
    if (!journal) {
        core/* info */.pq('rolling-deploy post: the main step changed nothing (no journal); nothing to restore.');
        return;
    }
    if (journal.finished) {
        core/* info */.pq(`rolling-deploy post: the main step ended normally (${journal.result ?? 'done'}); nothing to restore.`);
        return;
    }
    core/* warning */.$e('rolling-deploy post: the main step was cancelled or crashed; restoring what can be restored.');
    const clients = createClients(journal.region);
    const out = await restoreAfterCancel(journal, {
        lb: awsPorts(clients).lb,
        locks: new SsmLockStore(clients.ssm),
        log: coreLog
    });
    if (journal.deploymentId !== undefined) {
        const token = core/* getInput */.V4(constants/* Input */.pd.GithubToken);
        if (token)
            core/* setSecret */.Pq(token);
        await finishDeployment(journal.deploymentId, 'failure', {
            token,
            description: `rolling-deploy ${journal.result ?? 'cancelled'}: post step restored ${out.restored.length}, left ${out.leftOut.length} out of service`
        });
    }
    if (process.env.GITHUB_STEP_SUMMARY)
        await core/* summary */.z.addRaw(renderPostSummary(journal, out)).write();
}

;// CONCATENATED MODULE: ./src/entry/start.ts
// The action proper, loaded by index.ts once source maps are on. One bundle serves both steps:
// the runner calls it again as the post step, with the state the main step saved.





void (core/* getState */.Gu(constants/* State */.Uw.IsPost) === 'true' ? post() : run());


/***/ })

};

//# sourceMappingURL=645.index.js.map