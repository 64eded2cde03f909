package dev.roundtrip.spring.integration;

import java.net.URI;

import org.springframework.web.service.annotation.GetExchange;

/**
 * An HTTP service client, made by Spring Boot from its auto-configured HTTP service
 * group.
 */
public interface HelloService {

	/**
	 * GETs {@code url} (the whole URL: the test server's port is only known at run time).
	 */
	@GetExchange
	String hello(URI url);

}
