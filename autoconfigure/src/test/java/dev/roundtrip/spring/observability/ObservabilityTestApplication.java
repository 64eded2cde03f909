package dev.roundtrip.spring.observability;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the observability tests run: an embedded server to call, the
 * auto-configured client to call it with, Actuator with the {@code metrics},
 * {@code prometheus} and {@code roundtrip} endpoints exposed by each test's properties.
 */
@SpringBootApplication
public class ObservabilityTestApplication {

	@RestController
	static class Hello {

		@GetMapping("/hello")
		String hello() {
			return "Hello, World!";
		}

	}

}
