package dev.roundtrip.samples.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo: an application that has nothing but the Roundtrip starter for its HTTP
 * client. On startup it replays the seed's experiment against its own embedded server
 * through {@code RestClient} (see {@link ConnectionExperiment}), prints how many
 * connections each case opened, and stays up with its Actuator endpoints exposed. With
 * {@code --demo.exit-after-report=true} it exits once the table is printed.
 */
@SpringBootApplication
public class DemoApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(DemoApplication.class, args);
		if (context.getEnvironment().getProperty("demo.exit-after-report", Boolean.class, false)) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
