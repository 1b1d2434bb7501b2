// Linear classifier on embeddings: training, prediction, storage and pre-training validation.
export { TRAIN_DEFAULTS, TrainingStopped, train, trainAsync, type TrainData, type TrainOptions } from './train.js';
export { deserializeModel, predict, serializeModel, type LinearModel, type LossPoint } from './model.js';
export { labelCoverage, validateTrainingData, type LabelCoverage, type TrainingProblem, type ValidationOptions } from './validate.js';
