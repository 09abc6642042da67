/**
 * The JSON Schema of the partition report (the JSON form is the report data as is: json.ts).
 * This is the one copy: docs/reports.md shows it (a test holds the two equal), the tests
 * validate reports against it, and load() checks a saved model's report with it
 * (validate.ts), so that a file whose report was altered is refused rather than crashing the
 * first reader of a missing field.
 *
 * Because saved files are checked against it, a change that refuses reports an earlier
 * hybridrt wrote (a new required field, a narrower type) must also move MANIFEST_VERSION
 * (src/artifact/manifest.ts), so that such files are refused by version, with that reason,
 * rather than as "not a partition report".
 */
import { INT8_SCHEMA } from './int8.js';

export const REPORT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'hybridrt partition report',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion',
    'model',
    'options',
    'summary',
    'unsupported',
    'nodes',
    'segments',
    'transfers',
    'values',
    'recommendations',
    'warnings',
  ],
  definitions: {
    count: {
      type: 'integer',
      minimum: 0,
    },
    shape: {
      type: 'array',
      items: {
        type: ['integer', 'string'],
      },
    },
    tensor: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: {
          type: 'string',
        },
        dtype: {
          type: 'string',
        },
        shape: {
          $ref: '#/definitions/shape',
        },
        bytes: {
          $ref: '#/definitions/count',
        },
      },
    },
    pair: {
      type: 'array',
      items: {
        type: 'number',
      },
      minItems: 2,
      maxItems: 2,
    },
    strings: {
      type: 'array',
      items: {
        type: 'string',
      },
    },
  },
  properties: {
    schemaVersion: {
      const: 1,
    },
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'graphName', 'opsets', 'inputs', 'outputs'],
      properties: {
        file: {
          type: 'string',
        },
        graphName: {
          type: 'string',
        },
        producer: {
          type: 'string',
        },
        irVersion: {
          type: 'integer',
        },
        opsets: {
          type: 'object',
          additionalProperties: {
            type: 'integer',
          },
        },
        inputs: {
          type: 'array',
          items: {
            $ref: '#/definitions/tensor',
          },
        },
        outputs: {
          type: 'array',
          items: {
            $ref: '#/definitions/tensor',
          },
        },
        profiles: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['min', 'opt', 'max'],
              properties: {
                min: { $ref: '#/definitions/shape' },
                opt: { $ref: '#/definitions/shape' },
                max: { $ref: '#/definitions/shape' },
              },
            },
          },
        },
        fixedInputs: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'dtype', 'shape', 'value'],
            properties: {
              name: { type: 'string' },
              dtype: { type: 'string' },
              shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
              value: { type: 'string' },
            },
          },
        },
      },
    },
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['minBlockSize', 'requireFullCompilation', 'fallbackOps', 'fallbackNodes'],
      properties: {
        minBlockSize: {
          $ref: '#/definitions/count',
        },
        requireFullCompilation: {
          type: 'boolean',
        },
        fallbackOps: {
          $ref: '#/definitions/strings',
        },
        fallbackNodes: {
          $ref: '#/definitions/strings',
        },
      },
    },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: [
        'nodes',
        'supportedNodes',
        'engineNodes',
        'coverage',
        'engineSegments',
        'fallbackSegments',
        'boundaryTransfers',
        'boundaryBytes',
        'unknownBytesTransfers',
        'hostDeviceCopies',
        'hostDeviceBytes',
      ],
      properties: {
        nodes: {
          $ref: '#/definitions/count',
        },
        supportedNodes: {
          $ref: '#/definitions/count',
        },
        engineNodes: {
          $ref: '#/definitions/count',
        },
        coverage: {
          type: 'number',
          minimum: 0,
          maximum: 1,
        },
        engineSegments: {
          $ref: '#/definitions/count',
        },
        fallbackSegments: {
          $ref: '#/definitions/count',
        },
        boundaryTransfers: {
          $ref: '#/definitions/count',
        },
        boundaryBytes: {
          $ref: '#/definitions/count',
        },
        unknownBytesTransfers: {
          $ref: '#/definitions/count',
        },
        hostDeviceCopies: {
          $ref: '#/definitions/count',
        },
        hostDeviceBytes: {
          $ref: '#/definitions/count',
        },
      },
    },
    unsupported: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['opType', 'domain', 'count', 'reasons'],
        properties: {
          opType: {
            type: 'string',
          },
          domain: {
            type: 'string',
          },
          count: {
            $ref: '#/definitions/count',
          },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['reason', 'nodes'],
              properties: {
                reason: {
                  type: 'string',
                },
                nodes: {
                  $ref: '#/definitions/strings',
                },
              },
            },
          },
        },
      },
    },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'opType', 'domain', 'segment', 'supported', 'inputs', 'outputs'],
        properties: {
          name: {
            type: 'string',
          },
          opType: {
            type: 'string',
          },
          domain: {
            type: 'string',
          },
          segment: {
            $ref: '#/definitions/count',
          },
          supported: {
            type: 'boolean',
          },
          reason: {
            type: 'string',
          },
          forced: {
            enum: ['fallbackOps', 'fallbackNodes'],
          },
          demoted: {
            type: 'boolean',
          },
          inputs: {
            $ref: '#/definitions/strings',
          },
          outputs: {
            $ref: '#/definitions/strings',
          },
        },
      },
    },
    segments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind', 'nodes', 'ops', 'inputs', 'outputs'],
        properties: {
          id: {
            $ref: '#/definitions/count',
          },
          kind: {
            enum: ['engine', 'fallback'],
          },
          nodes: {
            $ref: '#/definitions/strings',
          },
          ops: {
            type: 'object',
            additionalProperties: {
              type: 'integer',
              minimum: 1,
            },
          },
          inputs: {
            type: 'array',
            items: {
              $ref: '#/definitions/tensor',
            },
          },
          outputs: {
            type: 'array',
            items: {
              $ref: '#/definitions/tensor',
            },
          },
        },
      },
    },
    transfers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'from', 'to', 'copy'],
        properties: {
          name: {
            type: 'string',
          },
          dtype: {
            type: 'string',
          },
          shape: {
            $ref: '#/definitions/shape',
          },
          bytes: {
            $ref: '#/definitions/count',
          },
          from: {
            $ref: '#/definitions/count',
          },
          to: {
            $ref: '#/definitions/count',
          },
          copy: {
            enum: ['none', 'device-to-host', 'host-to-device'],
          },
        },
      },
    },
    values: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          dtype: {
            type: 'string',
          },
          shape: {
            $ref: '#/definitions/shape',
          },
          initializer: {
            const: true,
          },
        },
      },
    },
    recommendations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'message', 'merges'],
        properties: {
          kind: {
            enum: ['converter', 'forcedFallback', 'minBlockSize', 'inputShapes'],
          },
          message: {
            type: 'string',
          },
          opType: {
            type: 'string',
          },
          domain: {
            type: 'string',
          },
          nodes: {
            $ref: '#/definitions/strings',
          },
          minBlockSize: {
            $ref: '#/definitions/count',
          },
          option: {
            enum: ['fallbackOps', 'fallbackNodes'],
          },
          entry: {
            type: 'string',
          },
          merges: {
            type: 'array',
            items: {
              type: 'array',
              items: {
                $ref: '#/definitions/count',
              },
              minItems: 2,
            },
          },
          effect: {
            type: 'object',
            additionalProperties: false,
            required: ['segments', 'engineNodes', 'boundaryTransfers', 'boundaryBytes'],
            properties: {
              segments: {
                $ref: '#/definitions/pair',
              },
              engineNodes: {
                $ref: '#/definitions/pair',
              },
              boundaryTransfers: {
                $ref: '#/definitions/pair',
              },
              boundaryBytes: {
                $ref: '#/definitions/pair',
              },
            },
          },
        },
      },
    },
    lowering: {
      type: 'object',
      additionalProperties: false,
      required: ['nodesBefore', 'nodesAfter', 'passes'],
      properties: {
        nodesBefore: {
          $ref: '#/definitions/count',
        },
        nodesAfter: {
          $ref: '#/definitions/count',
        },
        passes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'changed', 'counts', 'notes'],
            properties: {
              name: {
                type: 'string',
              },
              changed: {
                $ref: '#/definitions/count',
              },
              counts: {
                type: 'object',
                additionalProperties: {
                  type: 'integer',
                },
              },
              notes: {
                $ref: '#/definitions/strings',
              },
            },
          },
        },
      },
    },
    warnings: {
      $ref: '#/definitions/strings',
    },
    int8: INT8_SCHEMA,
  },
};
