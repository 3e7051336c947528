variable "vip" {
  type = string
}

variable "port" {
  type    = number
  default = "eighty"
}

variable "9lives" {}

variable "vip" {
  default = "10.0.0.1"
}
