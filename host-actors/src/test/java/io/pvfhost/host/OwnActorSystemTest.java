package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of the actor system a host starts for itself. */
class OwnActorSystemTest {
    private static Duration tick(Config c) {
        return ValidationHost.ownSystemConfig(c).getDuration(ValidationHost.SCHEDULER_TICK);
    }

    @Test
    void shouldTickItsSchedulerLessOftenThanAkkasDefault() {
        // Akka's reference says 10 ms; an idle host then spent twice the CPU on the scheduler's wake-ups
        assertEquals(Duration.ofMillis(10), ConfigFactory.defaultReference().getDuration(ValidationHost.SCHEDULER_TICK));
        assertEquals(Duration.ofMillis(33), tick(ConfigFactory.empty()));
        assertEquals(Duration.ofMillis(33), tick(ConfigFactory.load()), "a loaded configuration holds Akka's reference value");
    }

    @Test
    void shouldKeepATickTheCallerSets() {
        assertEquals(Duration.ofMillis(10), tick(ConfigFactory.parseMap(Map.of(ValidationHost.SCHEDULER_TICK, "10ms"))));
        assertEquals(Duration.ofMillis(50), tick(ConfigFactory.parseString("akka.scheduler.tick-duration = 50ms")
                .withFallback(ConfigFactory.load())));
    }

    @Test
    void shouldLeaveTheRestOfTheConfigurationAsGiven() {
        Config c = ValidationHost.ownSystemConfig(ConfigFactory.parseString("pvf.host.execute.workers-max = 3"));
        assertEquals(3, c.getInt("pvf.host.execute.workers-max"));
        assertEquals("1", c.getString("pvf.host.prepare.workers-soft-max"), "the references still fill in the rest");
    }
}
