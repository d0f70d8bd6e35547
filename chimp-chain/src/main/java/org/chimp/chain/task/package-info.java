/** How tasks travel on chain (input and output bytes), and the tasks' chain runners. */
package org.chimp.chain.task;
