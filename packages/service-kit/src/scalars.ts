// Custom scalars shared by the subgraphs.
export { DateTimeResolver as DateTime } from 'graphql-scalars';
