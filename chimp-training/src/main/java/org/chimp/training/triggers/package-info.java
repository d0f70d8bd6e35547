/** Retraining triggers: datasets watched for new versions, each new enough version starting a training task. */
package org.chimp.training.triggers;
