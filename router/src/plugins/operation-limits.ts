// useOperationLimits: refuses too deep, too wide or too expensive operations before they are planned.
import type { ApolloServerPlugin, GraphQLRequestContextDidEncounterErrors } from '@apollo/server';
import { type GraphQLError, Lexer, Source, TokenKind, type GraphQLFormattedError } from 'graphql';
import { appError, ErrorCode } from '@marketplace/service-kit';
import type { OperationLimits } from '../config.ts';
import { estimateCost } from './cost-estimate.ts';
import type { CostModel } from './cost-model.ts';
import { measureOperation } from './operation-shape.ts';

export interface OperationLimitsOptions {
  limits: OperationLimits;
  costModel: CostModel;
  /** In development a response carries `extensions.cost`, so Sandbox shows what a query costs. */
  exposeCost: boolean;
}

function refuse(code: ErrorCode, what: string, found: number, limit: number, setting: string): GraphQLError {
  return appError(code, `The operation ${what} ${found}; the limit is ${limit} (${setting}).`, { found, limit });
}

/** graphql-js stops parsing at `maxTokens` and says so in this message ("more that" in graphql 16). */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

/** Counts a refused document's tokens, stopping at a bound so a huge body costs little more. */
function countTokens(source: string, bound: number): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (count < bound && lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A syntax error past the limit: what was counted is the answer.
  }
  return count;
}

const tokenCounts = new WeakMap<object, number>();

export function useOperationLimits(options: OperationLimitsOptions): ApolloServerPlugin {
  const { limits, costModel } = options;
  return {
    async requestDidStart() {
      let estimated: number | undefined;
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          const shape = measureOperation(document, operation);
          if (limits.maxDepth && shape.depth > limits.maxDepth) {
            throw refuse(ErrorCode.MAX_DEPTH_LIMIT, 'is nested', shape.depth, limits.maxDepth, 'MAX_DEPTH');
          }
          if (limits.maxAliases && shape.aliases > limits.maxAliases) {
            throw refuse(ErrorCode.MAX_ALIASES_LIMIT, 'has aliases:', shape.aliases, limits.maxAliases, 'MAX_ALIASES');
          }
          if (limits.maxRootFields && shape.rootFields > limits.maxRootFields) {
            throw refuse(ErrorCode.MAX_ROOT_FIELDS_LIMIT, 'has root fields:', shape.rootFields, limits.maxRootFields, 'MAX_ROOT_FIELDS');
          }
          if (limits.maxDirectives && shape.directives > limits.maxDirectives) {
            throw refuse(ErrorCode.MAX_DIRECTIVES_LIMIT, 'has directives:', shape.directives, limits.maxDirectives, 'MAX_DIRECTIVES');
          }
          estimated = estimateCost(schema, costModel, document, operation, request.variables);
          if (limits.maxCost && estimated > limits.maxCost) {
            throw appError(
              ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
              `The operation's estimated cost is ${estimated}; the limit is ${limits.maxCost} (MAX_COST). Ask for smaller pages or fewer nested lists.`,
              { cost: { estimated, max: limits.maxCost } },
            );
          }
        },
        async didEncounterErrors({ errors, source }: GraphQLRequestContextDidEncounterErrors<object>) {
          if (!limits.maxTokens || !source) return;
          for (const error of errors) {
            if (TOKEN_LIMIT_MESSAGE.test(error.message)) tokenCounts.set(error, countTokens(source, limits.maxTokens * 100));
          }
        },
        async willSendResponse({ response }) {
          if (!options.exposeCost || estimated === undefined || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { estimated, max: limits.maxCost } };
        },
      };
    },
  };
}

/**
 * The parser's own "too many tokens" failure, told as MAX_TOKENS_LIMIT (it stops parsing at the
 * limit, so a huge document costs no more than a document at the limit).
 */
export function tokenLimitErrorOf(formatted: GraphQLFormattedError, original: unknown, maxTokens: number): GraphQLFormattedError | undefined {
  if (!maxTokens || !TOKEN_LIMIT_MESSAGE.test(formatted.message)) return undefined;
  const found = typeof original === 'object' && original !== null ? tokenCounts.get(original) : undefined;
  const counted = found === undefined ? `more than ${maxTokens}` : found >= maxTokens * 100 ? `at least ${found}` : String(found);
  return {
    message: `The operation has ${counted} tokens; the limit is ${maxTokens} (MAX_TOKENS).`,
    extensions: { code: ErrorCode.MAX_TOKENS_LIMIT, limit: maxTokens, ...(found === undefined ? {} : { found }) },
  };
}
