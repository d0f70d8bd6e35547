/** One Java API to tracking and the model registry, in process or over CHIMP's MLflow REST API. */
package org.chimp.tracking.client;
