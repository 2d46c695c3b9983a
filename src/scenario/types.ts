// The resolved scenario's types, for the code that only reads scenarios (the model, runner,
// reports). They are derived from the one declaration of the format in schema.ts (TypeBox's
// Static<>), so a field added there is in these types too; scenario files may omit fields
// (the preset they extend fills them in), the model only ever sees this resolved shape.
export type {
  AnonStep,
  KernelSpec,
  KillerSpec,
  LatencySpec,
  LoadChange,
  MachineSpec,
  OthersSpec,
  RatePhase,
  Scenario,
  TimedEvent,
  TimingSpec,
  WorkloadSpec,
} from './schema.js';
