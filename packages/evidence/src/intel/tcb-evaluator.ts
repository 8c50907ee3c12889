/** Where the quote verifier gets its TCB evaluation from; injectable so tests can isolate the PKI checks. */
import { evaluateIntelTcb } from './tcb/index.js';
import type { TcbEvaluation, TcbEvaluationInput } from './tcb-types.js';

export type TcbEvaluator = (input: TcbEvaluationInput) => Promise<TcbEvaluation>;

export const defaultTcbEvaluator: TcbEvaluator = evaluateIntelTcb;
