/** Example models, one per task, that {@code --examples} and {@code chimp models add-examples} register, and their bench. */
package org.chimp.server.examples;
