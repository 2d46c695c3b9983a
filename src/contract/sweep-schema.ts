// The JSON Schema of `rcupool sweep --json` (schema/sweep.schema.json, written by
// `npm run schema`). Its metric definitions are compare's, so a metric added to the registry
// reaches both.
import { BASELINE_POLICY, jsonSchemaOf } from './baseline-policy.js';
import { compareJsonSchema } from './compare-schema.js';

export function sweepJsonSchema(): Record<string, unknown> {
  const compare = compareJsonSchema().definitions as Record<string, unknown>;
  return {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "rcupool sweep --json",
  "description": "A sweep: every point of a --vary grid, each with the metrics, perSeed and ci95 objects of `compare --json` (same definitions, copied from compare.schema.json). Shards (`sweep --shard i/n`) add `shard`; `rcupool merge` removes it. Non-finite numbers are written as null and fail validation on purpose.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "schemaVersion",
    "kind",
    "tool",
    "scenario",
    "seeds",
    "vary",
    "policies",
    "points"
  ],
  "properties": {
    "schemaVersion": {
      "const": 1
    },
    "kind": {
      "const": "sweep"
    },
    "tool": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "version"
      ],
      "properties": {
        "name": {
          "const": "rcupool"
        },
        "version": {
          "type": "string",
          "minLength": 1
        }
      }
    },
    "scenario": {
      "type": "object",
      "description": "The resolved scenario (see src/scenario/types.ts); only its core fields are pinned here.",
      "required": [
        "name",
        "durationMs",
        "machine",
        "kernel",
        "workload"
      ],
      "properties": {
        "name": {
          "type": "string"
        },
        "durationMs": {
          "type": "number",
          "exclusiveMinimum": 0
        },
        "machine": {
          "type": "object"
        },
        "kernel": {
          "type": "object"
        },
        "workload": {
          "type": "object"
        }
      }
    },
    "seeds": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "integer"
      }
    },
    "vary": {
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "#/definitions/axis"
      }
    },
    "policies": {
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "#/definitions/policy"
      }
    },
    "points": {
      "type": "array",
      "items": {
        "$ref": "#/definitions/point"
      }
    },
    "shard": {
      "$ref": "#/definitions/shard"
    },
    "front": {
      "$ref": "#/definitions/front"
    },
    "baselineVersion": {
      "const": 1,
      "description": "Only in a sweep baseline (`rcupool baseline --vary`)."
    }
  },
  "definitions": {
    "axis": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "target",
        "spec",
        "values"
      ],
      "properties": {
        "name": {
          "type": "string",
          "minLength": 1,
          "description": "As given to --vary: <policy>.<param> or a scenario field path."
        },
        "target": {
          "enum": [
            "param",
            "scenario"
          ]
        },
        "policy": {
          "type": "string",
          "minLength": 1
        },
        "param": {
          "type": "string",
          "minLength": 1
        },
        "spec": {
          "type": "string",
          "description": "The values part of --vary as written."
        },
        "values": {
          "type": "array",
          "minItems": 1,
          "items": {
            "anyOf": [
              {
                "type": "number"
              },
              {
                "type": "string"
              },
              {
                "type": "boolean"
              }
            ]
          }
        },
        "unit": {
          "type": "string"
        }
      }
    },
    "policy": jsonSchemaOf(BASELINE_POLICY),
    "point": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "index",
        "values",
        "policy",
        "source",
        "params"
      ],
      "properties": {
        "index": {
          "type": "integer",
          "minimum": 0,
          "description": "Position in the unsharded sweep's point list."
        },
        "values": {
          "type": "object",
          "description": "Values of the axes that apply to this point, by axis name.",
          "additionalProperties": {
            "anyOf": [
              {
                "type": "number"
              },
              {
                "type": "string"
              },
              {
                "type": "boolean"
              }
            ]
          }
        },
        "policy": {
          "type": "string",
          "minLength": 1
        },
        "source": {
          "type": "string",
          "minLength": 1,
          "description": "\"builtin\" or the policy file path as given."
        },
        "fileHash": {
          "type": "string",
          "pattern": "^[0-9a-f]{64}$",
          "description": "sha256 of a user policy file."
        },
        "params": {
          "type": "object",
          "additionalProperties": {
            "anyOf": [
              {
                "type": "number"
              },
              {
                "type": "string"
              },
              {
                "type": "boolean"
              }
            ]
          }
        },
        "metrics": {
          "$ref": "#/definitions/metrics"
        },
        "perSeed": {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/definitions/metrics"
          }
        },
        "ci95": {
          "$ref": "#/definitions/metricsInterval"
        },
        "error": {
          "type": "string",
          "minLength": 1
        }
      },
      "description": "A policy either ran (metrics present) or failed (error present, no metrics/perSeed/ci95).",
      "if": {
        "required": [
          "error"
        ]
      },
      "then": {
        "not": {
          "anyOf": [
            {
              "required": [
                "metrics"
              ]
            },
            {
              "required": [
                "perSeed"
              ]
            },
            {
              "required": [
                "ci95"
              ]
            }
          ]
        }
      },
      "else": {
        "required": [
          "metrics"
        ]
      }
    },
    "shard": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "index",
        "count",
        "points",
        "totalPoints"
      ],
      "properties": {
        "index": {
          "type": "integer",
          "minimum": 0
        },
        "count": {
          "type": "integer",
          "minimum": 1
        },
        "points": {
          "type": "array",
          "items": {
            "type": "integer",
            "minimum": 0
          }
        },
        "totalPoints": {
          "type": "integer",
          "minimum": 0
        }
      }
    },
    "front": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "metrics",
        "points"
      ],
      "properties": {
        "metrics": {
          "type": "array",
          "minItems": 2,
          "maxItems": 2,
          "items": {
            "type": "string"
          }
        },
        "points": {
          "type": "array",
          "items": {
            "type": "integer",
            "minimum": 0
          }
        }
      }
    },
    "metrics": compare.metrics,
    "interval": compare.interval,
    "metricsInterval": compare.metricsInterval
  }
};
}
