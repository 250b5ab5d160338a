/**
 * The EC2 serial console's SSH gateway and its host key fingerprint, per region.
 *
 * Source: Amazon EC2 User Guide, "Connect to the EC2 Serial Console", table "EC2 Serial Console
 * endpoints and fingerprints" (connect-to-serial-console), as published by AWS; copied as data, not
 * checked against the gateways themselves (this machine cannot reach them). A region AWS adds later
 * has no entry: the console then refuses to connect unless VPS_RESCUE_AWS_SERIAL_HOST_KEY names the
 * fingerprint, because an unchecked host key would hand the console login to whoever answers.
 */
export interface SerialGateway {
  host: string;
  /** SHA256:… as OpenSSH prints it. */
  fingerprint: string;
}

const classic = (region: string, fingerprint: string): SerialGateway => ({
  host: `serial-console.ec2-instance-connect.${region}.aws`,
  fingerprint,
});
const apiAws = (region: string, fingerprint: string): SerialGateway => ({
  host: `ec2-serial-console.${region}.api.aws`,
  fingerprint,
});

export const SERIAL_GATEWAYS: Readonly<Record<string, SerialGateway>> = {
  'us-east-2': classic('us-east-2', 'SHA256:EhwPkTzRtTY7TRSzz26XbB0/HvV9jRM7mCZN0xw/d/0'),
  'us-east-1': classic('us-east-1', 'SHA256:dXwn5ma/xadVMeBZGEru5l2gx+yI5LDiJaLUcz0FMmw'),
  'us-west-1': classic('us-west-1', 'SHA256:OHldlcMET8u7QLSX3jmRTRAPFHVtqbyoLZBMUCqiH3Y'),
  'us-west-2': classic('us-west-2', 'SHA256:EMCIe23TqKaBI6yGHainqZcMwqNkDhhAVHa1O2JxVUc'),
  'af-south-1': apiAws('af-south-1', 'SHA256:RMWWZ2fVePeJUqzjO5jL2KIgXsczoHlz21Ed00biiWI'),
  'ap-east-1': apiAws('ap-east-1', 'SHA256:T0Q1lpiXxChoZHplnAkjbP7tkm2xXViC9bJFsjYnifk'),
  'ap-south-2': apiAws('ap-south-2', 'SHA256:WJgPBSwV4/shN+OPITValoewAuYj15DVW845JEhDKRs'),
  'ap-southeast-3': apiAws('ap-southeast-3', 'SHA256:5ZwgrCh+lfns32XITqL/4O0zIfbx4bZgsYFqy3o8mIk'),
  'ap-southeast-5': apiAws('ap-southeast-5', 'SHA256:cQXTHQMRcqRdIjmAGoAMBSExeoRobYyRwT67yTjnEiA'),
  'ap-southeast-4': apiAws('ap-southeast-4', 'SHA256:Avaq27hFgLvjn5gTSShZ0oV7h90p0GG46wfOeT6ZJvM'),
  'ap-south-1': classic('ap-south-1', 'SHA256:oBLXcYmklqHHEbliARxEgH8IsO51rezTPiSM35BsU40'),
  'ap-northeast-3': apiAws('ap-northeast-3', 'SHA256:Am0/jiBKBnBuFnHr9aXsgEV3G8Tu/vVHFXE/3UcyjsQ'),
  'ap-northeast-2': classic('ap-northeast-2', 'SHA256:FoqWXNX+DZ++GuNTztg9PK49WYMqBX+FrcZM2dSrqrI'),
  'ap-southeast-1': classic('ap-southeast-1', 'SHA256:PLFNn7WnCQDHx3qmwLu1Gy/O8TUX7LQgZuaC6L45CoY'),
  'ap-southeast-2': classic('ap-southeast-2', 'SHA256:yFvMwUK9lEUQjQTRoXXzuN+cW9/VSe9W984Cf5Tgzo4'),
  'ap-southeast-7': apiAws('ap-southeast-7', 'SHA256:KCAZiRYrR1Q2lqsg7vTwixWmvc2wmjVT31XRgSdEfDY'),
  'ap-northeast-1': classic('ap-northeast-1', 'SHA256:RQfsDCZTOfQawewTRDV1t9Em/HMrFQe+CRlIOT5um4k'),
  'ca-central-1': classic('ca-central-1', 'SHA256:P2O2jOZwmpMwkpO6YW738FIOTHdUTyEv2gczYMMO7s4'),
  'ca-west-1': apiAws('ca-west-1', 'SHA256:s3rc8lI2xhbhr3iedjJNxGAFLPGOLjx7IxxXrGckk6Q'),
  'cn-north-1': {
    host: 'ec2-serial-console.cn-north-1.api.amazonwebservices.com.cn',
    fingerprint: 'SHA256:2gHVFy4H7uU3+WaFUxD28v/ggMeqjvSlgngpgLgGT+Y',
  },
  'cn-northwest-1': {
    host: 'ec2-serial-console.cn-northwest-1.api.amazonwebservices.com.cn',
    fingerprint: 'SHA256:TdgrNZkiQOdVfYEBUhO4SzUA09VWI5rYOZGTogpwmiM',
  },
  'eu-central-1': classic('eu-central-1', 'SHA256:aCMFS/yIcOdOlkXvOl8AmZ1Toe+bBnrJJ3Fy0k0De2c'),
  'eu-west-1': classic('eu-west-1', 'SHA256:h2AaGAWO4Hathhtm6ezs3Bj7udgUxi2qTrHjZAwCW6E'),
  'eu-west-2': classic('eu-west-2', 'SHA256:a69rd5CE/AEG4Amm53I6lkD1ZPvS/BCV3tTPW2RnJg8'),
  'eu-south-1': apiAws('eu-south-1', 'SHA256:lC0kOVJnpgFyBVrxn0A7n99ecLbXSX95cuuS7X7QK30'),
  'eu-west-3': classic('eu-west-3', 'SHA256:q8ldnAf9pymeNe8BnFVngY3RPAr/kxswJUzfrlxeEWs'),
  'eu-south-2': apiAws('eu-south-2', 'SHA256:GoCW2DFRlu669QNxqFxEcsR6fZUz/4F4n7T45ZcwoEc'),
  'eu-north-1': classic('eu-north-1', 'SHA256:tkGFFUVUDvocDiGSS3Cu8Gdl6w2uI32EPNpKFKLwX84'),
  'eu-central-2': apiAws('eu-central-2', 'SHA256:8Ppx2mBMf6WdCw0NUlzKfwM4/IfRz4OaXFutQXWp6mk'),
  'il-central-1': apiAws('il-central-1', 'SHA256:JR6q8v6kNNPi8+QSFQ4dj5dimNmZPTgwgsM1SNvtYyU'),
  'mx-central-1': apiAws('mx-central-1', 'SHA256:BCuVl13iQNk+CcVnt18Ef4p2ZHUrBBAOxlFetB32GS0'),
  'me-south-1': apiAws('me-south-1', 'SHA256:nPjLLKHu2QnLdUq2kVArsoK5xvPJOMRJKCBzCDqC3k8'),
  'me-central-1': apiAws('me-central-1', 'SHA256:zpb5duKiBZ+l0dFwPeyykB4MPBYhI/XzXNeFSDKBvLE'),
  'sa-east-1': classic('sa-east-1', 'SHA256:rd2+/32Ognjew1yVIemENaQzC+Botbih62OqAPDq1dI'),
  'us-gov-east-1': {
    host: 'serial-console.ec2-instance-connect.us-gov-east-1.amazonaws.com',
    fingerprint: 'SHA256:tIwe19GWsoyLClrtvu38YEEh+DHIkqnDcZnmtebvF28',
  },
  'us-gov-west-1': {
    host: 'serial-console.ec2-instance-connect.us-gov-west-1.amazonaws.com',
    fingerprint: 'SHA256:kfOFRWLaOZfB+utbd3bRf8OlPf8nGO2YZLqXZiIw5DQ',
  },
};
