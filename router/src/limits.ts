// The pure parts of the router's operation limits and cost analysis, for benchmarks and tools.
export { measureOperation, type OperationShape } from './plugins/operation-shape.ts';
export { estimateCost } from './plugins/cost-estimate.ts';
export { readCostModel, COST, type CostModel } from './plugins/cost-model.ts';
export { OPERATION_LIMIT_DEFAULTS, type OperationLimits } from './config.ts';
