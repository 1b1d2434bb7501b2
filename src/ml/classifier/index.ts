// Linear classifier on embeddings: training, prediction, storage and pre-training validation.

export { deserializeModel, type LinearModel, type LossPoint, predict, serializeModel } from './model.js';
export { TRAIN_DEFAULTS, type TrainData, type TrainOptions, train, trainAsync } from './train.js';
export { type LabelCoverage, labelCoverage, type TrainingProblem, type ValidationOptions, validateTrainingData } from './validate.js';
