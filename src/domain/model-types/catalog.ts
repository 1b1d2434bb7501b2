import {
  baseEmbedModel,
  baseEmbedModelFollowingData,
  classifierFields,
  conceptsData,
  datasetParams,
  FLOAT32_SAFE_INT,
  linearHeadParams,
  predictionParams,
  range,
  seedParam,
  templateParam,
} from './catalog-fields.js';
import { type FieldSpec, type ModelTypeDef, VALUE_COMPARATOR_NUMBERS, type ValueComparator } from './types.js';

export { DEFAULT_BASE_EMBED_MODEL } from './catalog-fields.js';
export { ModelTypeRegistry } from './registry.js';

/** PostModels without `model_type_id` creates this (Clarifai's default, reference §5.4). */
export const DEFAULT_MODEL_TYPE_ID = 'embedding-classifier';

/** Data fields an any→any operator passes through. */
const ANY_DATA = ['image', 'video', 'text', 'audio', 'concepts', 'regions', 'embeddings'];

const COMPARATOR_TEXT: Record<ValueComparator, string> = {
  GREATER_THAN: 'keep a concept when its value > the threshold',
  GREATER_THAN_OR_EQUAL: 'keep a concept when its value >= the threshold',
  LESS_THAN: 'keep a concept when its value < the threshold',
  LESS_THAN_OR_EQUAL: 'keep a concept when its value <= the threshold',
  EQUAL: 'keep a concept when its value equals the threshold',
};

/** A trainable concept classifier: what the three classifier types share besides their fields. */
function conceptClassifier(head: Pick<ModelTypeDef, 'id' | 'title' | 'description' | 'inputFields'>, fields: FieldSpec[]): ModelTypeDef {
  return {
    ...head,
    outputFields: ['concepts'],
    trainable: true,
    creatable: true,
    evaluationType: 'Classification',
    conceptsField: 'ARRAY_OF_CONCEPTS',
    conceptsRequired: true,
    fields,
  };
}

/**
 * The built-in catalog. A fresh array each call so callers (and tests) may build registries from
 * edited copies. Trainable types train on our own light trainers; the template ids name them.
 */
export function defaultModelTypes(): ModelTypeDef[] {
  return [
    conceptClassifier(
      {
        id: 'embedding-classifier',
        title: 'Transfer Learning',
        description: 'Classifies inputs into your concepts with a light classifier trained on the embeddings of a base embedding model; trains in seconds.',
        inputFields: ['embeddings'],
      },
      [
        ...classifierFields(),
        {
          path: 'train_info.params.enrich_dataset',
          fieldType: 'ENUM',
          defaultValue: 'Automatic',
          description: 'whether inputs labelled with none of the concepts are used as extra negative examples.',
          placeholder: 'enrich_dataset',
          enumOptions: [
            { id: 'Automatic', description: "also train on the app's inputs that carry none of the concepts, as negatives.", recommended: true },
            { id: 'Disabled', description: "train only on inputs labelled with the model's concepts." },
          ],
        },
        ...linearHeadParams(100),
        seedParam(),
        baseEmbedModelFollowingData(),
      ],
    ),
    conceptClassifier({ id: 'text-classifier', title: 'Text Classifier', description: 'Classifies text into your concepts.', inputFields: ['text'] }, [
      ...classifierFields(),
      templateParam([
        {
          id: 'modelkeep_text_logreg',
          description: 'embeds each text with the built-in text embedder and trains a softmax / logistic-regression head on the vectors.',
          recommended: true,
          fields: [
            ...linearHeadParams(50),
            range('train_info.params.batch_size', 32, 1, 1024, 1, 'no effect: the trainer uses every example in each step (ADR 0023).'),
            seedParam(),
          ],
        },
      ]),
    ]),
    conceptClassifier({ id: 'visual-classifier', title: 'Visual Classifier', description: 'Classifies images into your concepts.', inputFields: ['image'] }, [
      ...classifierFields(),
      templateParam([
        {
          id: 'modelkeep_mobilenet_v2_transfer',
          description: 'transfer learning: frozen MobileNetV2 (ImageNet) features with a trained softmax head.',
          recommended: true,
          fields: [
            range(
              'train_info.params.num_epochs',
              30,
              1,
              200,
              1,
              'solver iterations at most (about one pass over the training data each); training stops sooner once converged.',
            ),
            range('train_info.params.batch_size', 32, 1, 256, 1, 'no effect: the trainer uses every image in each step (ADR 0023).'),
            range('train_info.params.learning_rate', 0.01, 0.0001, 1, 0.0001, 'gradient-descent step size.'),
            range('train_info.params.image_size', 224, 96, 224, 32, 'images are resized to this square size (MobileNetV2 input sizes).'),
            range('train_info.params.flip_probability', 0.5, 0, 1, 0.01, 'chance of a horizontal flip per training image (augmentation).'),
            seedParam(),
          ],
        },
      ]),
    ]),
    {
      id: 'visual-embedder',
      title: 'Visual Embedder',
      description: 'Turns images into embedding vectors: the built-in general-image-embedding, or an ONNX model of yours uploaded as a version.',
      inputFields: ['image'],
      outputFields: ['embeddings'],
      trainable: false,
      // Creatable for uploads (PostModelVersionsUpload, decision 0036); PostModelVersions refuses them.
      creatable: true,
      evaluationType: 'Undefined',
      fields: [],
    },
    {
      id: 'text-embedder',
      title: 'Text Embedder',
      description: 'Turns text into embedding vectors: the built-in general-text-embedding, or an ONNX model of yours uploaded as a version.',
      inputFields: ['text'],
      outputFields: ['embeddings'],
      trainable: false,
      creatable: true,
      evaluationType: 'Undefined',
      fields: [],
    },
    {
      id: 'clusterer',
      title: 'Clusterer',
      description: 'Groups inputs by similarity of their embeddings (k-means); needs no concepts.',
      inputFields: ['embeddings'],
      outputFields: ['clusters'],
      trainable: true,
      creatable: true,
      evaluationType: 'Clustering',
      fields: [
        ...datasetParams(),
        range('train_info.params.num_clusters', 10, 2, 1000, 1, 'how many clusters to form.'),
        range('train_info.params.max_iterations', 100, 1, 1000, 1, 'k-means iterations at most.'),
        seedParam(),
        baseEmbedModel(),
      ],
    },
    {
      id: 'concept-thresholder',
      title: 'Concept Thresholder',
      description: 'Workflow operator: keeps only the incoming concepts whose value passes the per-concept threshold.',
      inputFields: ['concepts'],
      outputFields: ['concepts'],
      trainable: false,
      creatable: true,
      evaluationType: 'Undefined',
      conceptsField: 'ARRAY_OF_CONCEPTS_WITH_THRESHOLD',
      conceptsRequired: true,
      fields: [
        conceptsData('ARRAY_OF_CONCEPTS_WITH_THRESHOLD', true, "the concepts to filter; each concept's value is its threshold (0 to 1)."),
        {
          path: 'output_info.params.concept_threshold_type',
          fieldType: 'ENUM',
          defaultValue: 'GREATER_THAN',
          description: "how a concept's value is compared with its threshold.",
          placeholder: 'concept_threshold_type',
          enumOptions: (Object.keys(COMPARATOR_TEXT) as ValueComparator[]).map((id) => ({
            id,
            description: COMPARATOR_TEXT[id],
            aliases: [VALUE_COMPARATOR_NUMBERS[id]],
          })),
        },
      ],
    },
    {
      id: 'random-sample',
      title: 'Random Sample',
      description: 'Workflow operator: passes each input through unchanged with probability keep_fraction, independently.',
      inputFields: ANY_DATA,
      outputFields: ANY_DATA,
      trainable: false,
      creatable: true,
      evaluationType: 'Undefined',
      fields: [
        range('output_info.params.keep_fraction', 1, 0, 1, 0.01, 'the chance that an input is passed on; 1 keeps everything.'),
        range('output_info.params.seed', -1, -1, FLOAT32_SAFE_INT, 1, 'random seed for reproducible sampling; -1 picks one at random.'),
      ],
    },
    {
      id: 'knn-concept',
      title: 'KNN Concept',
      description: 'Predicts concepts from the k labelled inputs nearest in embedding space.',
      inputFields: ['embeddings'],
      outputFields: ['concepts'],
      trainable: false,
      creatable: true,
      evaluationType: 'Undefined',
      conceptsField: 'ARRAY_OF_CONCEPTS',
      conceptsRequired: true,
      fields: [
        conceptsData('ARRAY_OF_CONCEPTS', true, 'the concepts the neighbours may vote for.'),
        range('output_info.params.k', 5, 1, 100, 1, 'how many nearest labelled inputs vote.'),
        ...predictionParams(),
        baseEmbedModel(),
      ],
    },
    // Listed for client compatibility (ListModelTypes shows the platform's types); not creatable here.
    {
      id: 'visual-detector',
      title: 'Visual Detector',
      description: 'Finds and labels objects in images with bounding boxes (not available on this server).',
      inputFields: ['image'],
      outputFields: ['regions[...].region_info.bounding_box', 'regions[...].data.concepts'],
      trainable: true,
      creatable: false,
      evaluationType: 'Detection',
      fields: [],
    },
    {
      id: 'text-to-text',
      title: 'Text To Text',
      description: 'Generates text from text (not available on this server).',
      inputFields: ['text'],
      outputFields: ['text'],
      trainable: true,
      creatable: false,
      evaluationType: 'Undefined',
      fields: [],
    },
  ];
}
