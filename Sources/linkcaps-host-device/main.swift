import HostDevice
