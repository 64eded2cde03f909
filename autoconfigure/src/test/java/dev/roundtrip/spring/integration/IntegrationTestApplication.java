package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * The embedded server the integration tests call: endpoints for plain, large, slow and
 * redirecting responses, and an echo. Its {@link ServerConnections} filter counts the
 * client's connections by their remote ports; {@link ClientConnections} hears the
 * transport's own events.
 */
@SpringBootApplication
@ImportHttpServices(HelloService.class)
public class IntegrationTestApplication {

	@Bean
	ServerConnections serverConnections() {
		return new ServerConnections();
	}

	@Bean
	ClientConnections clientConnections() {
		return new ClientConnections();
	}

	@Bean
	SlowGate slowGate() {
		return new SlowGate();
	}

	/** Holds {@code /slow} until the test opens it, for one second at most. */
	public static class SlowGate {

		private volatile CountDownLatch latch = new CountDownLatch(1);

		public void open() {
			this.latch.countDown();
		}

		public void close() {
			this.latch = new CountDownLatch(1);
		}

		void await() throws InterruptedException {
			this.latch.await(1, TimeUnit.SECONDS);
		}

	}

	@RestController
	static class Endpoints {

		private final SlowGate slowGate;

		Endpoints(SlowGate slowGate) {
			this.slowGate = slowGate;
		}

		@GetMapping("/hello")
		String hello() {
			return "Hello, World!";
		}

		@GetMapping("/bytes/{size}")
		byte[] bytes(@PathVariable int size) {
			byte[] bytes = new byte[size];
			Arrays.fill(bytes, (byte) 'x');
			return bytes;
		}

		@GetMapping("/slow")
		String slow() throws InterruptedException {
			this.slowGate.await();
			return "slow";
		}

		@GetMapping("/redirect/{hops}")
		ResponseEntity<String> redirect(@PathVariable int hops) {
			if (hops == 0) {
				return ResponseEntity.ok("arrived");
			}
			return ResponseEntity.status(HttpStatus.FOUND)
				.location(URI.create("/redirect/" + (hops - 1)))
				.body("moving on, " + hops + " to go");
		}

		@GetMapping("/loop")
		ResponseEntity<String> loop() {
			return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/loop")).body("round again");
		}

		@RequestMapping("/status/{status}")
		ResponseEntity<String> status(@PathVariable int status, @RequestParam String location) {
			return ResponseEntity.status(status).header("Location", location).body("go to " + location);
		}

		@RequestMapping("/echo")
		ResponseEntity<String> echo(HttpServletRequest request) throws IOException {
			String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String authorization = request.getHeader("Authorization");
			return ResponseEntity.ok()
				.header("X-Echo-Method", request.getMethod())
				.body(request.getMethod() + " body=" + body + " auth=" + ((authorization != null) ? authorization : "-")
						+ " x-test=" + request.getHeader("X-Test"));
		}

	}

}
