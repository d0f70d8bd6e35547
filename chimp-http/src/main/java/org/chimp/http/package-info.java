/** HTTP plumbing shared by every service: the JSON error shape, bearer-token auth, JSON mapping, request helpers. */
package org.chimp.http;
